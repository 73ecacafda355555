import type { ReactNode } from 'react';

interface CheckboxGroupProps {
  legend: string;
  /** Each choice's value and what the person reads (a name, in code type for keys). */
  options: readonly { value: string; label: ReactNode }[];
  value: readonly string[];
  onChange(value: string[]): void;
  /** Above the choices: a problem loading them, say. */
  children?: ReactNode;
  /** Below the choices. */
  note?: ReactNode;
}

/** Several choices in a fieldset named by its legend, each checkbox labelled by its text. */
export function CheckboxGroup({ legend, options, value, onChange, children, note }: CheckboxGroupProps) {
  const toggle = (choice: string, on: boolean) => onChange(on ? [...value, choice] : value.filter((v) => v !== choice));
  return (
    <fieldset className="field choices">
      <legend>{legend}</legend>
      {children}
      {options.map((o) => (
        <label key={o.value} className="choice">
          <input type="checkbox" checked={value.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
          {o.label}
        </label>
      ))}
      {note}
    </fieldset>
  );
}
