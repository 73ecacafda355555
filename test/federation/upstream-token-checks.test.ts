import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import { Browser, formAction } from '../support/browser.js';
import { asSetup, createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { discoverClient } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** What the upstream gets wrong in its next token response. */
type Misbehaviour = 'none' | 'foreignKey' | 'nonce' | 'issuer' | 'audience' | 'expired' | 'algNone' | 'tokenError';

/**
 * An OpenID provider small enough to lie on request: discovery, a JWKS with its one key, an authorization
 * endpoint that answers at once (as if the person had signed in), and a token endpoint whose ID token is wrong
 * in the way it was told. It counts the requests it gets, by path.
 */
interface FakeUpstream {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The person it signs in next: its `sub` and email. */
  person: { sub: string; email: string };
  misbehave: Misbehaviour;
  requests: Map<string, number>;
  close(): Promise<void>;
}

async function startFakeUpstream(): Promise<FakeUpstream> {
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
      email_verified: true,
      name: 'Pat Upstream',
    };
    if (m === 'algNone') return unsigned(payload);
    return sign(payload, m === 'foreignKey' ? stranger.privateKey : privateKey);
  }

  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
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
        back.searchParams.set('iss', fake.issuer);
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
 * The ID token of an upstream OpenID provider is believed only when everything about it is right: signed by a
 * key the provider publishes, for us, by that provider, for this sign-in, still valid. Anything else ends on a
 * page in the person's language, with no user created, linked or signed in.
 */
describe('the checks on an upstream provider’s answer', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let upstream: FakeUpstream;
  let app: client.Configuration;
  let upstreamId: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'down-checks');
    upstream = await startFakeUpstream();
    const created = await idp.services.upstreamIdps.create(fixture.tenant._id, {
      name: 'Fake',
      issuer: upstream.issuer,
      clientId: upstream.clientId,
      clientSecret: upstream.clientSecret,
      jitCreate: true,
    });
    upstreamId = created._id;
    app = await discoverClient(idp.baseUrl, fixture);
  });

  afterAll(async () => {
    await upstream?.close();
    await idp?.close();
  });

  beforeEach(() => {
    upstream.misbehave = 'none';
    upstream.person = { sub: 'upstream-person-1', email: 'pat@fake.test' };
  });

  /** The app sends a browser to our login page; the person picks the upstream's button; where does it end? */
  async function signInUpstream(browser = new Browser({ 'accept-language': 'en-GB' })) {
    const verifier = client.randomPKCECodeVerifier();
    const request = client.buildAuthorizationUrl(app, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: client.randomState(),
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
    return { ...end, browser, html: end.url.startsWith(REDIRECT_URI) ? '' : await end.res.text() };
  }

  const linksOf = () => idp.db.models.federatedIdentities.find({ tenantId: fixture.tenant._id }).lean();
  const usersNamed = async (email: string) => (await idp.services.users.list(fixture.tenant, { email, limit: 10 })).items;

  /** A later authorization request of the same browser still asks for a password: nobody was signed in. */
  async function signedOut(browser: Browser): Promise<boolean> {
    const request = client.buildAuthorizationUrl(app, { redirect_uri: REDIRECT_URI, scope: 'openid', state: client.randomState(), code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const { url, res } = await browser.follow(request.href, REDIRECT_URI);
    return !url.startsWith(REDIRECT_URI) && (await res.text()).includes('name="password"');
  }

  it('signs in with a correct ID token, creating and linking the user once', async () => {
    const end = await signInUpstream();
    expect(end.url.startsWith(REDIRECT_URI)).toBe(true);
    const [user] = await usersNamed(upstream.person.email);
    expect(user).toMatchObject({ name: 'Pat Upstream', emailVerified: true });
    expect((await linksOf()).map((l) => [l.issuer, l.subject, l.userId])).toEqual([[upstream.issuer, upstream.person.sub, user!.id]]);
    expect((await signInUpstream()).url.startsWith(REDIRECT_URI)).toBe(true);
    expect((await usersNamed(upstream.person.email)).map((u) => u.id)).toEqual([user!.id]);
    expect(await linksOf()).toHaveLength(1);
  });

  const refusals: [string, Misbehaviour][] = [
    ['signed by a key the provider does not publish', 'foreignKey'],
    ['whose nonce is not the one this sign-in sent', 'nonce'],
    ['issued by another issuer', 'issuer'],
    ['issued for another client', 'audience'],
    ['that has expired', 'expired'],
    ['that is not signed at all (alg none)', 'algNone'],
  ];

  it.each(refusals)('refuses an ID token %s, on a page, creating, linking and signing in no one', async (_, misbehaviour) => {
    upstream.misbehave = misbehaviour;
    // Someone not known here yet: a token let through would create and link a user for them.
    upstream.person = { sub: `stranger-${misbehaviour}`, email: `${misbehaviour.toLowerCase()}@fake.test` };
    const linksBefore = await linksOf();
    const end = await signInUpstream();
    expect(end.url.startsWith(REDIRECT_URI)).toBe(false);
    expect(end.res.status).toBe(400);
    expect(end.res.headers.get('content-type')).toContain('text/html');
    expect(end.html).toContain('sign-in service could not be verified.');
    expect(await usersNamed(upstream.person.email)).toEqual([]);
    expect(await linksOf()).toEqual(linksBefore);
    expect(await signedOut(end.browser)).toBe(true);
  });

  it('refuses a sign-in whose token request the provider answers with an error, in the person’s language', async () => {
    upstream.misbehave = 'tokenError';
    upstream.person = { sub: 'stranger-token-error', email: 'token-error@fake.test' };
    const end = await signInUpstream(new Browser({ 'accept-language': 'da-DK' }));
    expect(end.res.status).toBe(400);
    expect(end.html).toContain('lang="da"');
    expect(end.html).not.toContain('sign-in service could not be verified.');
    expect(end.html).toContain('Svaret fra din organisations login-tjeneste kunne ikke bekræftes.');
    expect(await usersNamed(upstream.person.email)).toEqual([]);
    expect(await signedOut(end.browser)).toBe(true);
  });

  it('takes another subject with the same email for another person: it reaches neither the account nor a link', async () => {
    const [linked] = await usersNamed(upstream.person.email);
    expect(linked).toBeDefined();
    upstream.person = { ...upstream.person, sub: 'upstream-person-2' };
    const end = await signInUpstream();
    expect(end.res.status).toBe(409);
    expect(end.html).toContain('An account with your email address already exists here');
    expect((await linksOf()).map((l) => [l.subject, l.userId])).toEqual([['upstream-person-1', linked!.id]]);
    expect(await signedOut(end.browser)).toBe(true);

    // Without creation at first sign-in, such a person has no account here.
    await asSetup(() => idp.services.upstreamIdps.update(fixture.tenant._id, upstreamId, { jitCreate: false }));
    const refused = await signInUpstream();
    expect(refused.res.status).toBe(403);
    expect(refused.html).toContain('You have no account here yet.');
    await asSetup(() => idp.services.upstreamIdps.update(fixture.tenant._id, upstreamId, { jitCreate: true }));
  });
});
