import './form-controls.css';
import { useI18n } from '../i18n/i18n';
import { browserTimeZone } from './moment';
import { TextField } from './text-field';

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
export function DateTimeField({ hint, ...props }: DateTimeFieldProps) {
  const { t } = useI18n();
  const zone = t('moment.timeZone', { zone: browserTimeZone() });
  return <TextField {...props} type="datetime-local" hint={hint ? `${hint} ${zone}` : zone} />;
}
