import { useId } from 'react';

export interface LinesFieldProps {
  label: string;
  /** One value per line; empty lines are dropped. */
  values: readonly string[];
  onChange(values: string[]): void;
  hint?: string;
  /** The API's messages about this field or its items (`redirect_uris.0`), when it refused the values. */
  error?: string;
}

/** A labelled textarea for a list of values, one per line (redirect URIs and the like). */
export function LinesField(props: LinesFieldProps) {
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
      <textarea
        id={id}
        rows={3}
        value={props.values.join('\n')}
        onChange={(e) => props.onChange(e.target.value.split('\n'))}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
        spellCheck={false}
      />
      {props.error && (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** The non-empty, trimmed lines: what a LinesField's values mean to the API. */
export function nonEmptyLines(values: readonly string[]): string[] {
  return values.map((v) => v.trim()).filter(Boolean);
}
