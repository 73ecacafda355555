import { createHash, randomBytes } from 'node:crypto';
import { basicAuth, CookieJar, type HttpClient, type Reply } from './user-agent.js';

/** A provider under load: ours (one tenant) or the bare oidc-provider baseline. */
export interface OidcTarget {
  label: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** A registered API that gets JWT access tokens (RFC 8707). */
  resource: string;
  users: { email: string; password: string }[];
  /** The name of the database probe of the server behind this issuer, for the attribution; none for bare oidc-provider. */
  probe?: string;
  endpoints: { authorization: string; token: string; introspection: string; userinfo: string; jwks: string };
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}

export const SIGN_IN_SCOPE = 'openid profile email roles doors offline_access';

export async function discover(http: HttpClient, target: Omit<OidcTarget, 'endpoints'>): Promise<OidcTarget> {
  const reply = await http.send(`${target.issuer}/.well-known/openid-configuration`);
  if (reply.status !== 200) throw new Error(`${target.label}: discovery answered ${reply.status}`);
  const d = JSON.parse(reply.body) as Record<string, string>;
  const endpoints = {
    authorization: d.authorization_endpoint!,
    token: d.token_endpoint!,
    introspection: d.introspection_endpoint!,
    userinfo: d.userinfo_endpoint!,
    jwks: d.jwks_uri!,
  };
  return { ...target, endpoints };
}

/**
 * The whole authorization code + PKCE sign-in of a person with a fresh browser: authorize, the login page and
 * its form, the consent page and its form, back to the app with a code, and the app's token request.
 */
export async function signIn(http: HttpClient, target: OidcTarget, user: { email: string; password: string }): Promise<Tokens> {
  const jar = new CookieJar();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const authorize = new URL(target.endpoints.authorization);
  authorize.search = new URLSearchParams({
    client_id: target.clientId,
    response_type: 'code',
    redirect_uri: target.redirectUri,
    scope: SIGN_IN_SCOPE,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    prompt: 'consent',
  }).toString();

  const go = async (url: string, form?: Record<string, string>): Promise<Reply> => {
    const reply = await http.send(url, { headers: jar.header(), form });
    jar.store(reply);
    return reply;
  };
  let at = authorize.href;
  let reply = await go(at);
  for (let hop = 0; hop < 20; hop++) {
    if (reply.status >= 300 && reply.status < 400) {
      at = new URL(String(reply.headers.location), at).href;
      if (at.startsWith(target.redirectUri)) return exchange(http, target, new URL(at), state, verifier);
      reply = await go(at);
    } else if (reply.status === 200) {
      const login = reply.body.includes('name="password"');
      const form = readForm(reply.body, login ? '/login' : '/confirm');
      reply = await go(new URL(form.action, at).href, { ...form.hidden, ...(login ? { email: user.email, password: user.password } : {}) });
    } else {
      throw new Error(`${target.label}: ${new URL(at).pathname} answered ${reply.status}: ${reply.body.slice(0, 200)}`);
    }
  }
  throw new Error(`${target.label}: the sign-in did not come back to the app`);
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The form a browser would submit: its action and hidden inputs (CSRF tokens), found by part of its action. */
export function readForm(html: string, actionContains: string): { action: string; hidden: Record<string, string> } {
  for (const [, attributes, inner] of html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = decode(/action="([^"]*)"/.exec(attributes!)?.[1] ?? '');
    if (!action.includes(actionContains)) continue;
    const hidden: Record<string, string> = {};
    for (const [input] of inner!.matchAll(/<input[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      if (name && /type="hidden"/.test(input)) hidden[decode(name)] = decode(/value="([^"]*)"/.exec(input)?.[1] ?? '');
    }
    return { action, hidden };
  }
  throw new Error(`no form with an action containing ${actionContains}`);
}

async function exchange(http: HttpClient, target: OidcTarget, callback: URL, state: string, verifier: string): Promise<Tokens> {
  if (callback.searchParams.get('state') !== state) throw new Error(`${target.label}: state mismatch`);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`${target.label}: no code (${callback.searchParams.get('error') ?? 'no error'})`);
  return tokenRequest(http, target, { grant_type: 'authorization_code', code, redirect_uri: target.redirectUri, code_verifier: verifier });
}

/** Refresh tokens rotate: each may be used once, so a refreshing user carries the newest one forward. */
export function refresh(http: HttpClient, target: OidcTarget, refreshToken: string): Promise<Tokens> {
  return tokenRequest(http, target, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

export function clientCredentials(http: HttpClient, target: OidcTarget): Promise<Tokens> {
  return tokenRequest(http, target, { grant_type: 'client_credentials', resource: target.resource, scope: 'locks:open' });
}

async function tokenRequest(http: HttpClient, target: OidcTarget, form: Record<string, string>): Promise<Tokens> {
  const reply = await http.send(target.endpoints.token, { form, headers: basicAuth(target.clientId, target.clientSecret) });
  if (reply.status !== 200) throw new Error(`${target.label}: token (${form.grant_type}) answered ${reply.status}: ${reply.body.slice(0, 200)}`);
  return JSON.parse(reply.body) as Tokens;
}
