import { createContext, useContext, type ReactNode } from 'react';
import { da } from './da';
import { de } from './de';
import { en, type Catalogue, type MessageKey } from './en';
import { sv } from './sv';

export const LOCALES = { en, da, de, sv } satisfies Record<string, Catalogue>;
export type Locale = keyof typeof LOCALES;
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The first of the browser's languages the console speaks (`da-DK` counts as `da`), else English. */
export function browserLocale(languages: readonly string[] = navigator.languages): Locale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base && base in LOCALES) return base as Locale;
  }
  return 'en';
}

export function translator(locale: Locale): Translate {
  const catalogue: Catalogue = LOCALES[locale];
  return (key, params = {}) => catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}

const I18nContext = createContext<{ locale: Locale; t: Translate }>({ locale: 'en', t: translator('en') });

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <I18nContext.Provider value={{ locale, t: translator(locale) }}>{children}</I18nContext.Provider>;
}

/** The translate function of the person's language: `const { t } = useI18n(); t('roles.title')`. */
export function useI18n() {
  return useContext(I18nContext);
}
