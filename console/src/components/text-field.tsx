import { FieldFrame } from './field-frame';

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
  return (
    <FieldFrame label={props.label} hint={props.hint} error={props.error}>
      {(control) => (
        <input
          {...control}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          required={props.required}
          pattern={props.pattern}
          maxLength={props.maxLength}
        />
      )}
    </FieldFrame>
  );
}
