import type { Locale } from './locales.js';
import da from './messages/da.js';
import de from './messages/de.js';
import en, { type Messages } from './messages/en.js';
import sv from './messages/sv.js';

export type { Messages } from './messages/en.js';

export type MessageKey = keyof Messages;

export type MessageParams = Readonly<Record<string, string | number>>;

export type Translate = (key: MessageKey, params?: MessageParams) => string;

// Typed as a full record so that adding a locale without a catalogue fails to compile.
export const catalogues: { readonly [L in Locale]: Messages } = { en, da, de, sv };

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === 'string' && Object.hasOwn(en, value);
}

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Looks up `key` in the locale's catalogue and fills `{name}` placeholders from `params`.
 * The result is plain text: templates must output it escaped, so parameters such as a
 * tenant or client name need no escaping here. Unknown placeholders are left visible
 * rather than silently dropped, which makes a missing parameter obvious in review.
 */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  // Templates are not type-checked, so a bad key can still arrive at run time.
  const template = isMessageKey(key) ? (catalogues[locale] ?? en)[key] : String(key);
  if (!params) return template;
  return template.replace(PLACEHOLDER, (placeholder, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : placeholder,
  );
}
