import { useI18n } from '../../i18n/i18n';

/** Formats the API's ISO times in the person's language; a missing time is a dash. */
export function useDateTime(): (iso: string | null | undefined) => string {
  const { locale } = useI18n();
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (iso) => (iso ? format.format(new Date(iso)) : '–');
}
