import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import * as client from 'openid-client';
import { Browser, formAction } from './browser.js';
import { REDIRECT_URI } from './fixtures.js';

/** What the upstream gets wrong in its next token response. */
export type Misbehaviour = 'none' | 'foreignKey' | 'nonce' | 'issuer' | 'audience' | 'expired' | 'algNone' | 'tokenError' | 'tokenServerError' | 'responseIssuer';

/**
 * An OpenID provider small enough to lie on request: discovery, a JWKS with its one key, an authorization
 * endpoint that answers at once (as if the person had signed in), and a token endpoint whose ID token is wrong
 * in the way it was told. It counts the requests it gets, by path.
 */
export interface FakeUpstream {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /**
   * The person it signs in next: its `sub` and email, whether it says it verified that email (default true),
   * and claims of its own (groups...).
   */
  person: { sub: string; email: string; emailVerified?: boolean; claims?: Record<string, unknown> };
  misbehave: Misbehaviour;
  requests: Map<string, number>;
  close(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const authorized = new Map<string, { nonce: string; challenge: string }>();
  let codes = 0;
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeUpstream = {
    issuer: `${origin}/upstream`,
    clientId: 'doorway-down',
    clientSecret: 'fake-upstream-secret',
    person: { sub: 'upstream-person-1', email: 'pat@fake.test' },
    misbehave: 'none',
    requests: new Map(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const sign = (payload: JWTPayload, key: CryptoKey) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(key);
  const unsigned = (payload: JWTPayload) => `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;

  async function idToken(nonce: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const m = fake.misbehave;
    const payload: JWTPayload = {
      iss: m === 'issuer' ? `${origin}/elsewhere` : fake.issuer,
      aud: m === 'audience' ? 'someone-else' : fake.clientId,
      sub: fake.person.sub,
      nonce: m === 'nonce' ? 'not-the-nonce-it-was-sent' : nonce,
      iat: m === 'expired' ? now - 7200 : now,
      exp: m === 'expired' ? now - 3600 : now + 300,
      email: fake.person.email,
      email_verified: fake.person.emailVerified ?? true,
      name: 'Pat Upstream',
      ...fake.person.claims,
    };
    if (m === 'algNone') return unsigned(payload);
    return sign(payload, m === 'foreignKey' ? stranger.privateKey : privateKey);
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  };
  const formOf = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  };

  server.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    fake.requests.set(url.pathname, (fake.requests.get(url.pathname) ?? 0) + 1);
    switch (url.pathname) {
      case '/upstream/.well-known/openid-configuration':
        return json(res, 200, {
          issuer: fake.issuer,
          authorization_endpoint: `${fake.issuer}/authorize`,
          token_endpoint: `${fake.issuer}/token`,
          jwks_uri: `${fake.issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
        });
      case '/upstream/jwks':
        return json(res, 200, { keys: [jwk] });
      case '/upstream/authorize': {
        // The person signed in at once: the answer goes back to the redirect URI with a code.
        const code = `code-${++codes}`;
        authorized.set(code, { nonce: url.searchParams.get('nonce') ?? '', challenge: url.searchParams.get('code_challenge') ?? '' });
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        back.searchParams.set('iss', fake.misbehave === 'responseIssuer' ? `${origin}/elsewhere` : fake.issuer);
        res.writeHead(303, { location: back.href }).end();
        return;
      }
      case '/upstream/token': {
        const form = await formOf(req);
        // client_secret_basic: both parts form-encoded before base64 (RFC 6749 §2.3.1).
        const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8').split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
        const grant = authorized.get(form.get('code') ?? '');
        authorized.delete(form.get('code') ?? '');
        if (basic[0] !== fake.clientId || basic[1] !== fake.clientSecret) return json(res, 401, { error: 'invalid_client' });
        const proof = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (fake.misbehave === 'tokenServerError') return void res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>');
        if (!grant || proof !== grant.challenge || fake.misbehave === 'tokenError') return json(res, 400, { error: 'invalid_grant', error_description: 'The code is not valid.' });
        return json(res, 200, { access_token: `at-${form.get('code')}`, token_type: 'Bearer', expires_in: 300, id_token: await idToken(grant.nonce) });
      }
      default:
        res.writeHead(404).end();
    }
  });
  return fake;
}

/**
 * The app sends a browser to our login page; the person picks the upstream's button: where it ends, the app's
 * redirect URI (with `tokens` to exchange its code) or a page.
 */
export async function signInThrough(app: client.Configuration, upstreamId: string, browser = new Browser({ 'accept-language': 'en-GB' })) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const request = client.buildAuthorizationUrl(app, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    prompt: 'login',
  });
  const login = await browser.follow(request.href, REDIRECT_URI);
  const html = await login.res.text();
  const button = new RegExp(`href="([^"]*/upstream/${upstreamId})"`).exec(html)?.[1];
  if (!button) throw new Error(`No button for the upstream on ${login.url}: ${html.slice(0, 300)}`);
  let end = await browser.follow(new URL(button, login.url).href, REDIRECT_URI);
  // A person signed in for the first time here is asked to consent, as after a password.
  const page = end.res.status === 200 && !end.url.startsWith(REDIRECT_URI) ? await end.res.clone().text() : '';
  if (page.includes('/confirm"')) end = await browser.follow(new URL(formAction(page, '/confirm'), end.url).href, REDIRECT_URI, { method: 'POST', form: {} });
  const arrived = end.url.startsWith(REDIRECT_URI);
  /** The app's tokens for the code it got. */
  const tokens = () => client.authorizationCodeGrant(app, new URL(end.url), { pkceCodeVerifier: verifier, expectedState: state });
  return { ...end, browser, html: arrived ? '' : await end.res.text(), tokens };
}

