/**
 * Moments as the person reads and enters them: in the browser's own time zone, which the console names next to
 * every date-time input, and sent to the API as ISO 8601 instants (UTC), which is what it stores and answers.
 */

/** The browser's IANA time zone, e.g. Europe/Copenhagen. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** An instant from the API (ISO 8601) as a date and time of the browser's time zone, in the person's language; empty for none. */
export function formatMoment(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A Date as the value of an <input type="datetime-local">: its wall-clock time in the browser's time zone. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The value of an <input type="datetime-local"> (wall-clock time here) as the instant the API expects, or undefined when empty. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
