import './form-controls.css';
import { useId } from 'react';

export interface SelectFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  options: readonly { value: string; label: string }[];
  /** Shown first with the value '' when nothing is chosen yet. */
  placeholder?: string;
  hint?: string;
  required?: boolean;
}

/** A labelled choice among a few options, its hint tied to it for screen readers. */
export function SelectField(props: SelectFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)} required={props.required} aria-describedby={props.hint ? `${id}-hint` : undefined}>
        {props.placeholder !== undefined && <option value="">{props.placeholder}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
