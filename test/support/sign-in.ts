import * as client from 'openid-client';
import { Browser, formAction } from './browser.js';
import { PASSWORD, REDIRECT_URI, type TenantFixture } from './fixtures.js';

export interface SignedIn {
  config: client.Configuration;
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
  browser: Browser;
  codeVerifier?: string;
}

/** The relying party's configuration from discovery, as a real app would build it. */
export async function discoverClient(baseUrl: string, fixture: Pick<TenantFixture, 'tenant' | 'clientId' | 'clientSecret'>): Promise<client.Configuration> {
  return client.discovery(
    new URL(`${baseUrl}/t/${fixture.tenant.slug}`),
    fixture.clientId,
    fixture.clientSecret,
    client.ClientSecretBasic(fixture.clientSecret),
    { execute: [client.allowInsecureRequests] },
  );
}

/** How a test answers a page between sign-in and consent (a second factor, an enrolment): the request to make. */
export type StepAnswer = (page: { url: string; html: string; status: number }) =>
  | Promise<{ action: string; fields?: Record<string, string>; method?: 'GET' | 'POST' } | undefined>
  | { action: string; fields?: Record<string, string>; method?: 'GET' | 'POST' }
  | undefined;

/**
 * Runs the authorization code + PKCE flow as a person would: the app redirects, the person signs in and
 * consents on our pages, the app exchanges the code. Returns the callback URL when `exchange` is false.
 * `post`: the app sends the request as a form post from its page (OIDC Core 3.1.2.1), not as a redirect.
 * `pkce: false`: a legacy app that sends no code_challenge (only a client registered with require_pkce false).
 */
export async function authorize(
  config: client.Configuration,
  options: {
    browser?: Browser;
    email: string;
    password?: string;
    scope?: string;
    resource?: string;
    extra?: Record<string, string>;
    step?: StepAnswer;
    post?: boolean;
    pkce?: boolean;
    redirectUri?: string;
    /** How the app turns the parameters into its request: plain query parameters unless given (a request object). */
    buildUrl?: (parameters: Record<string, string>) => Promise<URL>;
  },
): Promise<{ callbackUrl: URL; browser: Browser; codeVerifier?: string; state: string }> {
  const browser = options.browser ?? new Browser();
  const codeVerifier = options.pkce === false ? undefined : client.randomPKCECodeVerifier();
  const state = client.randomState();
  const redirectUri = options.redirectUri ?? REDIRECT_URI;
  const parameters: Record<string, string> = {
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile email roles doors offline_access',
    ...(codeVerifier ? { code_challenge: await client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256' } : {}),
    state,
    prompt: 'consent',
    ...(options.resource ? { resource: options.resource } : {}),
    ...options.extra,
  };
  const url = options.buildUrl ? await options.buildUrl(parameters) : client.buildAuthorizationUrl(config, parameters);
  const posted = { method: 'POST', form: Object.fromEntries(url.searchParams), submitHidden: false };
  let { url: at, res } = options.post ? await browser.follow(`${url.origin}${url.pathname}`, redirectUri, posted) : await browser.follow(url.href, redirectUri);
  for (let step = 0; step < 8 && !at.startsWith(redirectUri); step++) {
    const html = await res.text();
    const answer = await options.step?.({ url: at, html, status: res.status });
    if (res.status >= 400 && !answer) throw new Error(`Page ${at} answered ${res.status}: ${html.slice(0, 300)}`);
    const form: { action: string; fields?: Record<string, string>; method?: 'GET' | 'POST' } =
      answer ??
      (html.includes('name="password"')
        ? { action: formAction(html, '/login'), fields: { email: options.email, password: options.password ?? PASSWORD } }
        : { action: formAction(html, '/confirm'), fields: {} });
    const init = form.method === 'GET' ? {} : { method: 'POST', form: form.fields ?? {} };
    ({ url: at, res } = await browser.follow(new URL(form.action, at).href, redirectUri, init));
  }
  if (!at.startsWith(redirectUri)) throw new Error(`Flow did not reach the app: ended at ${at}`);
  return { callbackUrl: new URL(at), browser, codeVerifier, state };
}

export async function signIn(config: client.Configuration, options: Parameters<typeof authorize>[1]): Promise<SignedIn> {
  const { callbackUrl, browser, codeVerifier, state } = await authorize(config, options);
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: codeVerifier, expectedState: state });
  return { config, tokens, browser, codeVerifier };
}
