import { jest } from '@jest/globals';
import * as client from 'openid-client';
import { asSetup, createTenantFixture, REDIRECT_URI, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

describe('token endpoint limits', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  const PER_CLIENT = 3;
  const PER_IP = 8;

  beforeAll(async () => {
    // Behind a proxy, so each test can come from an address of its own.
    idp = await startTestIdp({ env: { TRUST_PROXY: 'true', TOKEN_REQUESTS_PER_CLIENT: String(PER_CLIENT), TOKEN_REQUESTS_PER_IP: String(PER_IP) } });
    fixture = await createTenantFixture(idp.services, 'acme');
  });
  afterAll(() => idp.close());

  const serviceClient = (method: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic') =>
    asSetup(() =>
      idp.services.clients.create(fixture.tenant._id, {
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: method,
      }),
    );
  /** A token request whose client names itself in the form (client_secret_post, public clients). */
  const formRequest = (fields: Record<string, string>, from: string) =>
    fetch(`${idp.baseUrl}/t/acme/token`, { method: 'POST', headers: { 'x-forwarded-for': from }, body: new URLSearchParams(fields) });
  const postedSecret = (clientId: string, secret: string, from: string) =>
    formRequest({ grant_type: 'client_credentials', resource: RESOURCE, scope: 'locks:open', client_id: clientId, client_secret: secret }, from);
  const tokenRequest = (clientId: string, secret: string, from: string) =>
    fetch(`${idp.baseUrl}/t/acme/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'x-forwarded-for': from },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE, scope: 'locks:open' }),
    });
  const statuses = async (count: number, request: () => Promise<Response>) => {
    const seen: number[] = [];
    for (let i = 0; i < count; i++) seen.push((await request()).status);
    return seen;
  };

  it("answers a client past its allowance with 429 slow_down and Retry-After, as an OAuth error", async () => {
    const { clientId, clientSecret } = await serviceClient();
    expect(await statuses(PER_CLIENT, () => tokenRequest(clientId, clientSecret!, '192.0.2.1'))).toEqual(Array(PER_CLIENT).fill(200));
    // From another address too: the allowance is the client's.
    const refused = await tokenRequest(clientId, clientSecret!, '192.0.2.2');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/application\/json/);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: 'slow_down' });
  });

  it("does not let requests with a wrong secret spend a client's allowance", async () => {
    const { clientId, clientSecret } = await serviceClient();
    expect(await statuses(4, () => tokenRequest(clientId, 'wrong-secret', '192.0.2.3'))).toEqual([401, 401, 401, 401]);
    expect(await statuses(PER_CLIENT, () => tokenRequest(clientId, clientSecret!, '192.0.2.4'))).toEqual(Array(PER_CLIENT).fill(200));
  });

  it('holds every caller of one address to its limit, authenticated or not', async () => {
    const { clientId, clientSecret } = await serviceClient();
    expect(await statuses(PER_IP, () => tokenRequest('no-such-client', 'x', '192.0.2.5'))).toEqual(Array(PER_IP).fill(401));
    const refused = await tokenRequest(clientId, clientSecret!, '192.0.2.5');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'slow_down' });
    expect((await tokenRequest(clientId, clientSecret!, '192.0.2.6')).status).toBe(200);
  });

  it('holds a client that authenticates in the form (client_secret_post) to its allowance, and the provider reads the form as sent', async () => {
    const warn = jest.spyOn(console, 'warn');
    const { clientId, clientSecret } = await serviceClient('client_secret_post');
    expect(await statuses(4, () => postedSecret(clientId, 'wrong-secret', '192.0.2.7'))).toEqual([401, 401, 401, 401]);
    expect(await statuses(PER_CLIENT, () => postedSecret(clientId, clientSecret!, '192.0.2.8'))).toEqual(Array(PER_CLIENT).fill(200));
    const refused = await postedSecret(clientId, clientSecret!, '192.0.2.9');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'slow_down' });
    // Read ahead of oidc-provider, the body still reaches it as a stream, not as a pre-parsed body it warns about.
    expect(warn.mock.calls.flat().join('\n')).not.toContain('already parsed request body');
    warn.mockRestore();
  });

  it('holds a public client (client_id in the form) to its allowance, spent only by tokens it was granted', async () => {
    const { clientId } = await asSetup(() =>
      idp.services.clients.create(fixture.tenant._id, {
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: 'openid offline_access',
      }),
    );
    // A public client has no secret: anyone may send its id, and refused requests must not use up its allowance.
    const forged = { grant_type: 'refresh_token', refresh_token: 'made-up-refresh-token', client_id: clientId };
    expect(await statuses(PER_CLIENT + 1, () => formRequest(forged, '192.0.2.10'))).toEqual(Array(PER_CLIENT + 1).fill(400));

    const config = await client.discovery(new URL(`${idp.baseUrl}/t/acme`), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    let { tokens } = await signIn(config, { email: fixture.user.email!, scope: 'openid offline_access' });
    for (let granted = 1; granted < PER_CLIENT; granted++) tokens = await client.refreshTokenGrant(config, tokens.refresh_token!);
    const refused = await formRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: clientId }, '192.0.2.11');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'slow_down' });
  });

  it('answers a form larger than the provider reads, sent without a length, with the OAuth error of an unreadable body', async () => {
    const { clientId } = await serviceClient('client_secret_post');
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, padding: 'x'.repeat(60 * 1024) }).toString();
    const chunks = [form.slice(0, 30_000), form.slice(30_000)];
    // Streamed (chunked), so neither our read-ahead nor the provider can refuse it by its Content-Length.
    const body = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await fetch(`${idp.baseUrl}/t/acme/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '192.0.2.30' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});
