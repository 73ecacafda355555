import { useId } from 'react';

export interface SelectFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  /** Each choice's value and the text the person reads. */
  options: readonly { value: string; label: string }[];
  hint?: string;
}

/** A labelled choice among a few fixed values (a filter, a language), its hint tied to it for screen readers. */
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
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-describedby={props.hint ? `${id}-hint` : undefined}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
