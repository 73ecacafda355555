export const SUPPORTED_LOCALES = ['en', 'da', 'de', 'sv'] as const;

export type Locale = (typeof SUPPORTED_LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

export interface NegotiateLocaleInput {
  /** OIDC `ui_locales`: space-separated BCP 47 tags in order of preference. */
  uiLocales?: string | undefined;
  /** Raw `Accept-Language` request header. */
  acceptLanguage?: string | undefined;
  /** Locales the tenant has enabled; defaults to all supported locales. */
  allowed?: readonly Locale[];
  /** Used when nothing requested is allowed; defaults to `en`. */
  fallback?: Locale;
}

// Both inputs are attacker-controlled; bounding them keeps parsing cost flat no matter what is sent.
const MAX_INPUT_LENGTH = 1024;
const MAX_TAGS = 32;

const Q_PARAM = /^q\s*=\s*(.*)$/i;

/**
 * Reduces a language tag to its primary subtag (`de-AT` -> `de`, `sv_SE` -> `sv`).
 * Deliberately no macro-language or "close enough" mapping: Norwegian (`nb`, `nn`, `no`)
 * readers are better served by the fallback than by Danish they did not ask for.
 */
function primarySubtag(tag: string): string {
  return tag.trim().split(/[-_]/, 1)[0]?.toLowerCase() ?? '';
}

function pick(tags: Iterable<string>, allowed: ReadonlySet<Locale>): Locale | undefined {
  for (const tag of tags) {
    const primary = primarySubtag(tag);
    if (isLocale(primary) && allowed.has(primary)) return primary;
  }
  return undefined;
}

function parseUiLocales(value: string): string[] {
  return value.slice(0, MAX_INPUT_LENGTH).split(/\s+/).filter(Boolean).slice(0, MAX_TAGS);
}

function parseAcceptLanguage(header: string): string[] {
  const ranges: { tag: string; q: number; index: number }[] = [];
  const parts = header.slice(0, MAX_INPUT_LENGTH).split(',').slice(0, MAX_TAGS);
  parts.forEach((part, index) => {
    const [rawTag, ...params] = part.split(';');
    const tag = rawTag?.trim() ?? '';
    if (!tag || tag === '*') return;
    let q = 1;
    for (const param of params) {
      const match = Q_PARAM.exec(param.trim());
      if (match) {
        const weight = Number(match[1]);
        // A malformed weight is treated as "not acceptable" rather than guessed at.
        q = Number.isFinite(weight) && match[1] !== '' ? Math.min(Math.max(weight, 0), 1) : 0;
      }
    }
    if (q > 0) ranges.push({ tag, q, index });
  });
  // Equal weights keep the order the client sent them in.
  ranges.sort((a, b) => b.q - a.q || a.index - b.index);
  return ranges.map((range) => range.tag);
}

/**
 * Chooses the page language: `ui_locales` first (an explicit request from the relying party),
 * then the browser's `Accept-Language`, then the tenant's fallback — always within `allowed`.
 */
export function negotiateLocale(input: NegotiateLocaleInput): Locale {
  const allowedList = input.allowed ?? SUPPORTED_LOCALES;
  const allowed = new Set<Locale>(allowedList.filter(isLocale));
  const fallback = input.fallback ?? 'en';

  if (input.uiLocales) {
    const chosen = pick(parseUiLocales(input.uiLocales), allowed);
    if (chosen) return chosen;
  }
  if (input.acceptLanguage) {
    const chosen = pick(parseAcceptLanguage(input.acceptLanguage), allowed);
    if (chosen) return chosen;
  }
  if (allowed.size === 0 || allowed.has(fallback)) return fallback;
  // The fallback itself is disabled for this tenant: use the first language it did enable.
  return allowedList.find((locale) => allowed.has(locale)) ?? fallback;
}
