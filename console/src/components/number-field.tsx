import { FieldFrame } from './field-frame';

export interface NumberFieldProps {
  label: string;
  /** As typed: the API decides what is a valid number here and says so at the field. */
  value: string;
  onChange(value: string): void;
  hint?: string;
  min?: number;
  max?: number;
  error?: string;
}

/** A labelled whole-number input (lifetimes, lengths, thresholds). */
export function NumberField(props: NumberFieldProps) {
  return (
    <FieldFrame label={props.label} hint={props.hint} error={props.error}>
      {(control) => <input {...control} type="number" inputMode="numeric" step={1} min={props.min} max={props.max} value={props.value} onChange={(e) => props.onChange(e.target.value)} />}
    </FieldFrame>
  );
}

/** What a NumberField's text means to the API: a number, or NaN (sent as null, which the API refuses at the field). */
export function numberOf(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}
