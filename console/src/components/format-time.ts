/** An API timestamp (ISO 8601) as the person's language writes a date and time; empty for none. */
export function formatTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
