import type { Locale } from '../i18n/locales.js';
import { translate, type MessageKey } from '../i18n/messages.js';

/** What went wrong, as far as the person reading the page needs to know. */
export type ErrorKind = 'unknown_tenant' | 'not_found' | 'rate_limited' | 'unavailable' | 'server_error' | 'oauth' | 'request';

/** The words of an error page: what happened, then what to do about it. */
export interface ErrorContent {
  title: string;
  heading: string;
  texts: string[];
  /** The OAuth error code, shown so an administrator can look it up. */
  code?: string;
  /** The request id of a server error: it finds the logged fault, and nothing else about it is shown. */
  reference?: string;
}

/** The neutral name on pages that belong to no tenant (an unknown one has no name to show). */
export const PLATFORM_NAME = 'Doorway';

// oidc-provider's codes a person is most likely to meet, said in their terms; any other code gets the general text.
const OAUTH_TEXTS: Readonly<Record<string, MessageKey>> = {
  invalid_client: 'oauthError.invalidClient',
  invalid_redirect_uri: 'oauthError.invalidRedirectUri',
};

export function errorContent(locale: Locale, kind: ErrorKind, detail: { code?: string; reference?: string; tenantName?: string } = {}): ErrorContent {
  const t = (key: MessageKey) => translate(locale, key, { tenant: detail.tenantName ?? PLATFORM_NAME });
  switch (kind) {
    case 'unknown_tenant':
      return { title: t('title.tenantNotFound'), heading: t('tenantNotFound.heading'), texts: [t('tenantNotFound.text'), t('tenantNotFound.advice')] };
    case 'not_found':
      return { title: t('title.notFound'), heading: t('title.notFound'), texts: [t('notFound.text'), t('notFound.advice')] };
    case 'rate_limited':
      return { title: t('title.rateLimited'), heading: t('rateLimited.heading'), texts: [t('rateLimited.text'), t('rateLimited.advice')] };
    case 'unavailable':
      return { title: t('title.unavailable'), heading: t('unavailable.heading'), texts: [t('unavailable.text'), t('unavailable.advice')] };
    case 'server_error':
      return {
        title: t('title.serverError'),
        heading: t('serverError.heading'),
        texts: [t('serverError.text'), t('serverError.advice')],
        reference: detail.reference && translate(locale, 'serverError.reference', { id: detail.reference }),
      };
    case 'oauth': {
      const text = (detail.code && OAUTH_TEXTS[detail.code]) || 'oauthError.text';
      return { title: t('title.requestRefused'), heading: t('oauthError.heading'), texts: [t(text), t('oauthError.advice')], code: detail.code };
    }
    case 'request':
      return { title: t('title.error'), heading: t('error.heading'), texts: [t('error.text')], code: detail.code };
  }
}
