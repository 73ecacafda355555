import { FieldFrame } from './field-frame';

export interface LinesFieldProps {
  label: string;
  /** One value per line; empty lines are dropped by nonEmptyLines. */
  values: readonly string[];
  onChange(values: string[]): void;
  hint?: string;
  /** The API's messages about this field or its items (`redirect_uris.0`), when it refused the values. */
  error?: string;
}

/** A labelled textarea for a list of values, one per line (redirect URIs and the like). */
export function LinesField(props: LinesFieldProps) {
  return (
    <FieldFrame label={props.label} hint={props.hint} error={props.error}>
      {(control) => <textarea {...control} rows={3} value={props.values.join('\n')} onChange={(e) => props.onChange(e.target.value.split('\n'))} spellCheck={false} />}
    </FieldFrame>
  );
}

/** The non-empty, trimmed lines: what a LinesField's values mean to the API. */
export function nonEmptyLines(values: readonly string[]): string[] {
  return values.map((v) => v.trim()).filter(Boolean);
}
