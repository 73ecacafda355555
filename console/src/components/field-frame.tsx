import { useId, type ReactNode } from 'react';

/** What a control inside a FieldFrame puts on itself so that its label, hint and error are tied to it. */
export interface FieldControlProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

export interface FieldFrameProps {
  label: string;
  hint?: string;
  /** The API's message about this field, when it refused the value. */
  error?: string;
  children(control: FieldControlProps): ReactNode;
}

/**
 * The label, hint and error around one form control, tied to it for screen readers: TextField's frame, and
 * that of any other control (a textarea, a date, a select) so each says the same things the same way.
 */
export function FieldFrame({ label, hint, error, children }: FieldFrameProps) {
  const id = useId();
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
