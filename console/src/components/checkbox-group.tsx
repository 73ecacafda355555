import './form-controls.css';
import { useId, type ReactNode } from 'react';

export interface CheckboxGroupProps<T extends string> {
  legend: string;
  /** Each choice's value and what the person reads (a name, or a key in code type). */
  options: readonly { value: T; label: ReactNode }[];
  selected: readonly T[];
  onChange(selected: T[]): void;
  /** The API's message about this field, when it refused the choice. */
  error?: string;
  /** Above the choices: a problem loading them, say. */
  children?: ReactNode;
  /** Below the choices: a hint about them. */
  note?: ReactNode;
}

/**
 * A set of checkboxes in a fieldset: the legend names the set, each box its own option. The choices are kept
 * in the options' order; an error describes the group rather than marking it invalid.
 */
export function CheckboxGroup<T extends string>(props: CheckboxGroupProps<T>) {
  const id = useId();
  const toggle = (value: T, on: boolean) =>
    props.onChange(on ? props.options.map((o) => o.value).filter((v) => v === value || props.selected.includes(v)) : props.selected.filter((v) => v !== value));
  return (
    <fieldset className="field choice-group" aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>{props.legend}</legend>
      {props.children}
      {props.options.map((o) => (
        <label key={o.value} className="choice">
          <input type="checkbox" checked={props.selected.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
          <span>{o.label}</span>
        </label>
      ))}
      {props.error && (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
      {props.note}
    </fieldset>
  );
}
