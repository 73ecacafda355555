import { useId } from 'react';

export interface TextFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  hint?: string;
  required?: boolean;
  pattern?: string;
  maxLength?: number;
  /** The input's type: text unless said; `password` hides what is typed; an email address or a date and time (see DateTimeField). */
  type?: 'text' | 'password' | 'email' | 'datetime-local';
  autoComplete?: string;
  /** The API's message about this field, when it refused the value. */
  error?: string;
}

/** A labelled text input, its hint and error tied to it for screen readers. */
export function TextField(props: TextFieldProps) {
  const id = useId();
  const described = [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      <input
        id={id}
        type={props.type ?? 'text'}
        autoComplete={props.autoComplete}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        required={props.required}
        pattern={props.pattern}
        maxLength={props.maxLength}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
      />
      {props.error && (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}
