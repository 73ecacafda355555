import { asSetup, createTenantFixture, RESOURCE, type TenantFixture } from '../support/fixtures.js';
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

  const serviceClient = () =>
    asSetup(() =>
      idp.services.clients.create(fixture.tenant._id, {
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    );
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
});
