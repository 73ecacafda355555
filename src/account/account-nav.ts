import type { Locale } from '../i18n/locales.js';
import type { MessageKey } from '../i18n/messages.js';

/** The account pages a signed-in person moves between. */
export type AccountPage = 'sessions' | 'password' | 'security';

export interface AccountNavItem {
  href: string;
  label: MessageKey;
  /** Marked `aria-current="page"`: the page the person is on. */
  current: boolean;
}

const PAGES: readonly { page: AccountPage; path: string; label: MessageKey }[] = [
  { page: 'sessions', path: 'account/sessions', label: 'account.nav.sessions' },
  { page: 'password', path: 'account/password', label: 'account.nav.password' },
  { page: 'security', path: 'account/mfa', label: 'account.nav.security' },
];

/**
 * The navigation on every account page, sign-out last. Signing out is oidc-provider's RP-initiated logout:
 * a GET of /session/end shows its confirm page, whose form carries the provider's own xsrf token, so the link
 * itself ends nothing and a forged request cannot sign anyone out. `ui_locales` keeps the page's language.
 */
export function accountNav(slug: string, locale: Locale, current: AccountPage): AccountNavItem[] {
  return [
    ...PAGES.map(({ page, path, label }) => ({ href: `/t/${slug}/${path}`, label, current: page === current })),
    { href: `/t/${slug}/session/end?ui_locales=${locale}`, label: 'account.nav.signOut', current: false },
  ];
}
