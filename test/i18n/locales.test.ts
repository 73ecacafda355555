import { isLocale, negotiateLocale, SUPPORTED_LOCALES, type Locale } from '../../src/i18n/locales.js';
import { catalogues, isMessageKey, translate, type MessageKey } from '../../src/i18n/messages.js';

describe('locale negotiation', () => {
  it('recognises exactly the supported locales', () => {
    expect([...SUPPORTED_LOCALES]).toEqual(['en', 'da', 'de', 'sv']);
    for (const locale of SUPPORTED_LOCALES) expect(isLocale(locale)).toBe(true);
    for (const value of ['EN', 'de-DE', 'nb', 'fr', '', undefined, null, 42, {}]) expect(isLocale(value)).toBe(false);
  });

  it('uses English when nothing is requested', () => {
    expect(negotiateLocale({})).toBe('en');
    expect(negotiateLocale({ uiLocales: '', acceptLanguage: '' })).toBe('en');
  });

  it('prefers ui_locales over Accept-Language', () => {
    expect(negotiateLocale({ uiLocales: 'sv', acceptLanguage: 'de' })).toBe('sv');
  });

  it('takes the first supported entry of a space-separated ui_locales list', () => {
    expect(negotiateLocale({ uiLocales: 'fr-CA fr da de', acceptLanguage: 'sv' })).toBe('da');
    expect(negotiateLocale({ uiLocales: '  de-CH \t sv  ' })).toBe('de');
  });

  it('falls through to Accept-Language when no ui_locales entry is supported', () => {
    expect(negotiateLocale({ uiLocales: 'fr ja', acceptLanguage: 'de-DE,de;q=0.9' })).toBe('de');
  });

  it('honours Accept-Language q-values rather than list order', () => {
    expect(negotiateLocale({ acceptLanguage: 'en;q=0.5, sv;q=0.9, da;q=0.7' })).toBe('sv');
    expect(negotiateLocale({ acceptLanguage: 'fr-FR, fr;q=0.9, de;q=0.4, da;q=0.8' })).toBe('da');
  });

  it('keeps the sent order between languages of equal weight', () => {
    expect(negotiateLocale({ acceptLanguage: 'da;q=0.8, de;q=0.8' })).toBe('da');
    expect(negotiateLocale({ acceptLanguage: 'sv, de' })).toBe('sv');
  });

  it('treats q=0 as "not acceptable"', () => {
    expect(negotiateLocale({ acceptLanguage: 'de;q=0, sv;q=0.1' })).toBe('sv');
    expect(negotiateLocale({ acceptLanguage: 'da;q=0', fallback: 'de' })).toBe('de');
  });

  it('reduces region and script subtags to the language', () => {
    expect(negotiateLocale({ acceptLanguage: 'de-AT' })).toBe('de');
    expect(negotiateLocale({ acceptLanguage: 'sv-FI,fi;q=0.8' })).toBe('sv');
    expect(negotiateLocale({ acceptLanguage: 'da-DK' })).toBe('da');
    expect(negotiateLocale({ acceptLanguage: 'en-GB' })).toBe('en');
    expect(negotiateLocale({ uiLocales: 'de-Latn-CH' })).toBe('de');
    expect(negotiateLocale({ uiLocales: 'sv_SE' })).toBe('sv');
  });

  it('matches language tags case-insensitively', () => {
    expect(negotiateLocale({ acceptLanguage: 'DE-at' })).toBe('de');
    expect(negotiateLocale({ uiLocales: 'SV' })).toBe('sv');
  });

  it('does not map Norwegian (nb, nn, no) to Danish', () => {
    expect(negotiateLocale({ acceptLanguage: 'nb-NO, nb;q=0.9, no;q=0.8, nn;q=0.7' })).toBe('en');
    expect(negotiateLocale({ uiLocales: 'nb no', fallback: 'sv' })).toBe('sv');
    expect(negotiateLocale({ acceptLanguage: 'nb-NO, da;q=0.5' })).toBe('da');
  });

  it('falls back for unsupported languages and wildcards', () => {
    expect(negotiateLocale({ acceptLanguage: 'fr-FR, fr;q=0.9' })).toBe('en');
    expect(negotiateLocale({ acceptLanguage: 'fr-FR, *;q=0.5', fallback: 'da' })).toBe('da');
    expect(negotiateLocale({ uiLocales: 'ja', acceptLanguage: 'zh-Hans', fallback: 'de' })).toBe('de');
  });

  it('restricts the choice to the languages the tenant allows', () => {
    const allowed: Locale[] = ['en', 'da'];
    expect(negotiateLocale({ uiLocales: 'sv', acceptLanguage: 'de, da;q=0.5', allowed })).toBe('da');
    expect(negotiateLocale({ acceptLanguage: 'de', allowed })).toBe('en');
    expect(negotiateLocale({ acceptLanguage: 'de', allowed: ['sv', 'de'] })).toBe('de');
  });

  it('uses the first allowed language when the fallback is not allowed', () => {
    expect(negotiateLocale({ acceptLanguage: 'fr', allowed: ['sv', 'da'] })).toBe('sv');
    expect(negotiateLocale({ acceptLanguage: 'fr', allowed: ['sv', 'da'], fallback: 'da' })).toBe('da');
    expect(negotiateLocale({ allowed: ['de'], fallback: 'en' })).toBe('de');
  });

  it('tolerates malformed headers without throwing', () => {
    for (const acceptLanguage of [',,,', ';;;', 'de;q=abc, sv', 'de;q=, sv', ';q=1', '  ,  de  ;  q=0.5 ', '\u0000de']) {
      // Each is answered with a supported locale, never an exception.
      expect(SUPPORTED_LOCALES).toContain(negotiateLocale({ acceptLanguage }));
    }
    expect(negotiateLocale({ acceptLanguage: 'de;q=abc, sv;q=0.2' })).toBe('sv');
    expect(negotiateLocale({ acceptLanguage: '  ,  de  ;  q=0.5 ' })).toBe('de');
  });

  it('bounds the work done on oversized input', () => {
    const acceptLanguage = `${'xx-YY;q=0.9,'.repeat(50_000)}de`;
    const started = performance.now();
    expect(negotiateLocale({ acceptLanguage, uiLocales: `${'x '.repeat(50_000)}sv` })).toBe('en');
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('message catalogues', () => {
  const englishKeys = Object.keys(catalogues.en).sort();
  const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))('%s has exactly the English keys', (locale) => {
    expect(Object.keys(catalogues[locale]).sort()).toEqual(englishKeys);
  });

  it.each([...SUPPORTED_LOCALES])('%s has a non-empty text with the same placeholders for every key', (locale) => {
    for (const key of englishKeys as MessageKey[]) {
      const text = catalogues[locale][key];
      expect(typeof text).toBe('string');
      expect(text.trim()).not.toBe('');
      expect({ key, placeholders: placeholders(text) }).toEqual({ key, placeholders: placeholders(catalogues.en[key]) });
    }
  });

  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))('%s translates every page title', (locale) => {
    const titles = englishKeys.filter((key) => key.startsWith('title.')) as MessageKey[];
    expect(titles.length).toBeGreaterThanOrEqual(6);
    for (const key of titles) {
      expect({ key, text: catalogues[locale][key] }).not.toEqual({ key, text: catalogues.en[key] });
    }
  });

  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))('%s differs from English in every text', (locale) => {
    // A word that is genuinely identical in both languages would be listed here, not silently accepted.
    const identicalByDesign = new Set<string>();
    for (const key of englishKeys as MessageKey[]) {
      if (identicalByDesign.has(key)) continue;
      expect({ key, text: catalogues[locale][key] }).not.toEqual({ key, text: catalogues.en[key] });
    }
  });

  it('uses the established sign-in vocabulary of each language', () => {
    expect(translate('da', 'login.submit')).toBe('Log ind');
    expect(translate('da', 'login.password')).toBe('Adgangskode');
    expect(translate('de', 'login.submit')).toBe('Anmelden');
    expect(translate('de', 'login.password')).toBe('Passwort');
    expect(translate('sv', 'login.submit')).toBe('Logga in');
    expect(translate('sv', 'login.password')).toBe('Lösenord');
  });

  it('interpolates {name} parameters', () => {
    expect(translate('en', 'login.heading', { tenant: 'Acme Offices' })).toBe('Sign in to Acme Offices');
    expect(translate('de', 'login.heading', { tenant: 'Acme' })).toBe('Bei Acme anmelden');
    expect(translate('sv', 'error.code', { code: 'invalid_request' })).toBe('Felkod: invalid_request');
    expect(translate('en', 'error.code', { code: 42 })).toBe('Error code: 42');
  });

  it('leaves a placeholder visible when its parameter is missing', () => {
    expect(translate('en', 'login.heading')).toBe('Sign in to {tenant}');
    expect(translate('en', 'login.heading', { other: 'x' })).toBe('Sign in to {tenant}');
  });

  it('does not treat parameter values as placeholders or markup', () => {
    expect(translate('en', 'login.heading', { tenant: '{client} <b>' })).toBe('Sign in to {client} <b>');
    expect(translate('en', 'login.heading', { tenant: '$&' })).toBe('Sign in to $&');
  });

  it('keeps the never-say-which login failure message generic', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const text = translate(locale, 'login.error.invalidCredentials');
      expect(text).toMatch(/\S/);
    }
    expect(translate('en', 'login.error.invalidCredentials')).toBe('The email or password is incorrect.');
  });

  it('returns an unknown key unchanged instead of throwing', () => {
    expect(isMessageKey('login.title.nope')).toBe(false);
    expect(isMessageKey('__proto__')).toBe(false);
    expect(isMessageKey('login.submit')).toBe(true);
    expect(translate('de', 'login.title.nope' as MessageKey)).toBe('login.title.nope');
  });
});
