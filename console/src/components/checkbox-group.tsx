import { useId } from 'react';

export interface CheckboxGroupProps<T extends string> {
  legend: string;
  options: readonly { value: T; label: string }[];
  selected: readonly T[];
  onChange(selected: T[]): void;
  /** The API's message about this field, when it refused the choice. */
  error?: string;
}

/** A set of checkboxes in a fieldset: the legend names the set, each box its own option. */
export function CheckboxGroup<T extends string>(props: CheckboxGroupProps<T>) {
  const id = useId();
  const toggle = (value: T, on: boolean) =>
    props.onChange(on ? props.options.map((o) => o.value).filter((v) => v === value || props.selected.includes(v)) : props.selected.filter((v) => v !== value));
  return (
    <fieldset className="field choice-group" aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>{props.legend}</legend>
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
    </fieldset>
  );
}
