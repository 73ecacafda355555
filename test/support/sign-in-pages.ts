import type { Locale } from '../../src/i18n/locales.js';
import { translate } from '../../src/i18n/messages.js';
import { Browser, formAction } from './browser.js';
import { REDIRECT_URI, type TenantFixture } from './fixtures.js';

/** Helpers that use our sign-in pages the way a person's browser does. */

export interface LoginPage {
  browser: Browser;
  url: string;
  html: string;
  /** The absolute URL the login form posts to. */
  action: string;
}

/** A code + PKCE authorization request of the fixture's app (a fixed verifier: no test exchanges the code). */
export function authorizeUrl(baseUrl: string, fixture: TenantFixture, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    client_id: fixture.clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT_URI,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...extra,
  });
  return `${baseUrl}/t/${fixture.tenant.slug}/auth?${params}`;
}

/** The login page of a fresh authorization request from the fixture's app. */
export async function openLogin(baseUrl: string, fixture: TenantFixture, options: { browser?: Browser; uiLocales?: string } = {}): Promise<LoginPage> {
  const browser = options.browser ?? new Browser();
  const { url, res } = await browser.follow(authorizeUrl(baseUrl, fixture, { prompt: 'consent', ...(options.uiLocales ? { ui_locales: options.uiLocales } : {}) }));
  const html = await res.text();
  return { browser, url, html, action: new URL(formAction(html, '/login'), url).href };
}

/** Signs in with a password and stops at the sign-in step that follows, `/interaction/<uid>/<step>`. */
export async function signInToStep(
  baseUrl: string,
  fixture: TenantFixture,
  email: string,
  password: string,
  step: string,
): Promise<{ browser: Browser; html: string; url: string }> {
  const login = await openLogin(baseUrl, fixture);
  const { url, res } = await login.browser.follow(login.action, REDIRECT_URI, { method: 'POST', form: { email, password } });
  if (!new RegExp(`/interaction/[^/]+/${step}$`).test(new URL(url).pathname)) throw new Error(`The sign-in went to ${url}, not to the ${step} step`);
  return { browser: login.browser, html: await res.text(), url };
}

export interface Answer {
  status: number;
  html: string;
  /** The text of the page's alert, what the person reads. */
  alert: string | undefined;
  location: string | null;
  retryAfter: string | null;
}

/** Posts the login form with these credentials, its hidden fields included. */
export async function submitLogin(page: LoginPage, email: string, password: string, headers?: Record<string, string>): Promise<Answer> {
  return answerOf(await page.browser.request(page.action, { form: { email, password }, headers }));
}

/** A fresh login page, and its form posted at once: one attempt of a guesser (`from`: X-Forwarded-For). */
export async function attempt(baseUrl: string, fixture: TenantFixture, email: string, password: string, from?: string): Promise<Answer> {
  return submitLogin(await openLogin(baseUrl, fixture), email, password, from ? { 'x-forwarded-for': from } : undefined);
}

export async function answerOf(res: Response): Promise<Answer> {
  const html = await res.text();
  return { status: res.status, html, alert: alertOf(html), location: res.headers.get('location'), retryAfter: res.headers.get('retry-after') };
}

export function alertOf(html: string): string | undefined {
  const inner = /role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1];
  const text = inner?.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return text?.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** A post refused for its missing or wrong form token: 403, a page in the asked language, nothing done, no redirect. */
export async function expectFormRefused(res: Response, locale: Locale): Promise<void> {
  expect(res.status).toBe(403);
  const html = await res.text();
  expect(html).toContain(`<html lang="${locale}"`);
  expect(html).toContain(translate(locale, 'forbidden.text'));
  expect(res.headers.get('location')).toBeNull();
}
