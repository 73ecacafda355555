import './form-controls.css';
import { useId } from 'react';
import { useI18n } from '../i18n/i18n';
import { browserTimeZone } from './moment';

export interface DateTimeFieldProps {
  label: string;
  /** The input's value, `YYYY-MM-DDTHH:mm` in the browser's time zone (see moment.ts), or '' for none. */
  value: string;
  onChange(value: string): void;
  hint?: string;
  required?: boolean;
  /** The API's message about this field, when it refused the value. */
  error?: string;
}

/**
 * A labelled date and time, entered in the browser's time zone, which its hint names so the person knows what
 * the time means; the caller converts it with fromLocalInput before sending it.
 */
export function DateTimeField(props: DateTimeFieldProps) {
  const { t } = useI18n();
  const id = useId();
  const zone = t('moment.timeZone', { zone: browserTimeZone() });
  const described = [`${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <p className="hint" id={`${id}-hint`}>
        {props.hint ? `${props.hint} ${zone}` : zone}
      </p>
      <input
        id={id}
        type="datetime-local"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        required={props.required}
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
