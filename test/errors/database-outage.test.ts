import { randomBytes } from 'node:crypto';
import { translate } from '../../src/i18n/messages.js';
import { adminClient, operatorToken } from '../support/admin.js';
import { startFaultyDatabase, type FaultyDatabase } from '../support/faulty-database.js';
import { createTenantFixture, REDIRECT_URI, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/**
 * A database that cannot be reached, or is reached and never answers (a frozen process: SIGSTOP), is an outage
 * callers should wait out, not a fault of theirs nor a hang: every surface answers 503 with Retry-After, in its
 * own language (problem+json at the admin API, OAuth errors at OAuth endpoints, a page for a browser), within
 * the configured bounds; /readyz says so within a second; discovery, served from the built provider, goes on.
 *
 * Before, a frozen database held requests 35–55 s (until the driver's monitor gave up) and /readyz 35 s. The
 * bounds below are generous multiples of the configured 2 s timeouts, far below those figures: they prove
 * "bounded, not hanging", not speed.
 */
describe('a database outage', () => {
  let faulty: FaultyDatabase;
  let idp: TestIdp;
  let fixture: TenantFixture;
  let operator: string;
  /** Shared by every process on this database, as in a deployment. */
  const masterKey = randomBytes(32);

  beforeAll(async () => {
    faulty = await startFaultyDatabase();
    // Trusting nothing read before (TENANT_REFRESH_MS 0), every request but discovery needs the database, so what
    // each surface answers in an outage does not depend on how long ago the last request was; the last spec below
    // is the process that trusts what it read.
    idp = await startTestIdp({ database: faulty.database, masterKey, env: { DB_SERVER_SELECTION_TIMEOUT_MS: '2000', DB_SOCKET_TIMEOUT_MS: '2000', TENANT_REFRESH_MS: '0' } });
    fixture = await createTenantFixture(idp.services, 'acme');
    operator = await operatorToken(idp);
    expect((await discovery()).status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await idp?.close();
    await faulty?.close();
  }, 60_000);

  async function timed(request: () => Promise<Response>): Promise<{ res: Response; ms: number }> {
    const started = Date.now();
    const res = await request();
    return { res, ms: Date.now() - started };
  }

  const readyz = () => fetch(`${idp.baseUrl}/readyz`);
  const discovery = () => fetch(`${idp.baseUrl}/t/acme/.well-known/openid-configuration`);
  /** A client credentials grant for a resource server: a signed token, nothing stored. */
  const tokenRequest = (baseUrl = idp.baseUrl) =>
    fetch(`${baseUrl}/t/acme/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${fixture.clientId}:${fixture.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE, scope: 'locks:open' }),
    });
  const adminCall = () => adminClient(idp)('GET', '/tenants', operator);
  const signInPage = () => {
    const query = new URLSearchParams({ client_id: fixture.clientId, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    return fetch(`${idp.baseUrl}/t/acme/auth?${query}`, { headers: { accept: 'text/html', 'accept-language': 'de' }, redirect: 'manual' });
  };

  /** Polls until the process says it is ready again: the database is back and answering. */
  async function readyAgain(): Promise<void> {
    for (let waited = 0; waited < 30_000; waited += 250) {
      if ((await readyz()).status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('not ready 30 s after the database came back');
  }

  /** What every surface answers while the database is out, whichever way it is out. */
  async function expectOutageAnswers(): Promise<void> {
    const ready = await timed(readyz);
    expect(ready.res.status).toBe(503);
    expect(await ready.res.json()).toEqual({ status: 'unavailable', reason: 'database unreachable' });
    // The ping's own bound is 1 s; 3 s leaves room for a loaded machine and is still ten times under the old 35 s.
    expect(ready.ms).toBeLessThan(3000);

    const known = await timed(discovery);
    expect(known.res.status).toBe(200);
    expect(((await known.res.json()) as { issuer: string }).issuer).toBe(`${idp.baseUrl}/t/acme`);
    expect(known.ms).toBeLessThan(3000);

    const token = await timed(tokenRequest);
    expect(token.res.status).toBe(503);
    expect(token.res.headers.get('retry-after')).toBe('5');
    expect(token.res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await token.res.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(token.ms).toBeLessThan(10_000);

    const admin = await timed(async () => {
      const { status, body, headers } = await adminCall();
      return new Response(JSON.stringify(body), { status, headers });
    });
    expect(admin.res.status).toBe(503);
    expect(admin.res.headers.get('retry-after')).toBe('5');
    expect(admin.res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await admin.res.json()).toMatchObject({ type: 'urn:doorway:problem:unavailable', status: 503 });
    expect(admin.ms).toBeLessThan(10_000);

    const page = await timed(signInPage);
    expect(page.res.status).toBe(503);
    expect(page.res.headers.get('retry-after')).toBe('5');
    expect(page.res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.res.text();
    expect(html).toContain('<html lang="de"');
    expect(html).toContain(translate('de', 'unavailable.heading'));
    expect(page.ms).toBeLessThan(10_000);
  }

  it('answers 503 with Retry-After everywhere, within bounds, while the database process is frozen, and recovers when it thaws', async () => {
    await faulty.freeze();
    try {
      await expectOutageAnswers();
    } finally {
      faulty.thaw();
    }
    await readyAgain();
    expect((await tokenRequest()).status).toBe(200);
  }, 120_000);

  it('answers the same while the database process is dead, and recovers when it is started again', async () => {
    await faulty.kill();
    try {
      await expectOutageAnswers();
    } finally {
      await faulty.restart();
    }
    await readyAgain();
    expect((await tokenRequest()).status).toBe(200);
    expect((await adminCall()).status).toBe(200);
  }, 120_000);

  it('goes on issuing what needs no storage from what it trusts, and answers 503 temporarily_unavailable from inside the provider where its own storage is what fails', async () => {
    // A process that trusts its tenant and clients for long passes straight to the provider.
    const steady = await startTestIdp({ database: faulty.database, masterKey, env: { DB_SERVER_SELECTION_TIMEOUT_MS: '2000', DB_SOCKET_TIMEOUT_MS: '2000', TENANT_REFRESH_MS: '60000' } });
    const clientCredentials = () => tokenRequest(steady.baseUrl);
    try {
      expect((await clientCredentials()).status).toBe(200);
      await faulty.freeze();
      try {
        // A lock back-end keeps getting its tokens while the client's registration is trusted.
        const issued = await clientCredentials();
        expect(issued.status).toBe(200);
        expect(((await issued.json()) as { access_token: string }).access_token.split('.')).toHaveLength(3);

        const introspection = await timed(() =>
          fetch(`${steady.baseUrl}/t/acme/token/introspection`, {
            method: 'POST',
            headers: { authorization: `Basic ${Buffer.from(`${fixture.clientId}:${fixture.clientSecret}`).toString('base64')}` },
            body: new URLSearchParams({ token: 'any-token' }),
          }),
        );
        expect(introspection.res.status).toBe(503);
        expect(introspection.res.headers.get('retry-after')).toBe('5');
        expect(await introspection.res.json()).toMatchObject({ error: 'temporarily_unavailable' });
        expect(introspection.ms).toBeLessThan(10_000);
      } finally {
        faulty.thaw();
      }
    } finally {
      await steady.close();
    }
    await readyAgain();
  }, 120_000);
});
