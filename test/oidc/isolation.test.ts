import * as client from 'openid-client';
import { Browser } from '../support/browser.js';
import { createTenantFixture, REDIRECT_URI, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { authorize, discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** Everything tenant A issues is worthless at tenant B, even on the same server and database. */
describe('tenant isolation', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let configA: client.Configuration;
  let configB: client.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp();
    a = await createTenantFixture(idp.services, 'tenant-a');
    b = await createTenantFixture(idp.services, 'tenant-b');
    configA = await discoverClient(idp.baseUrl, a);
    configB = await discoverClient(idp.baseUrl, b);
  });
  afterAll(() => idp.close());

  it("does not know tenant A's client at tenant B", async () => {
    const token = await fetch(`${idp.baseUrl}/t/tenant-b/token`, {
      method: 'POST',
      headers: { authorization: basic(a) },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE }),
    });
    expect(token.status).toBe(401);
    expect(await token.json()).toMatchObject({ error: 'invalid_client' });
    const res = await fetch(`${idp.baseUrl}/t/tenant-b/auth?client_id=${a.clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/at .*\.js/);
  });

  it("rejects tenant A's authorization code at tenant B", async () => {
    const { callbackUrl, codeVerifier } = await authorize(configA, { email: a.user.email! });
    const code = callbackUrl.searchParams.get('code')!;
    // B's own client presents A's code: B's storage has no such code.
    const res = await fetch(`${idp.baseUrl}/t/tenant-b/token`, {
      method: 'POST',
      headers: { authorization: basic(b), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: codeVerifier! }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it("rejects tenant A's access and refresh tokens at tenant B", async () => {
    const { tokens } = await signIn(configA, { email: a.user.email! });
    await expect(client.fetchUserInfo(configB, tokens.access_token, a.user.id)).rejects.toMatchObject({ status: 401 });
    expect((await client.tokenIntrospection(configB, tokens.access_token)).active).toBe(false);
    await expect(client.refreshTokenGrant(configB, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // And A still honours them: the refusal came from isolation, not from a broken token.
    expect((await client.tokenIntrospection(configA, tokens.access_token)).active).toBe(true);
  });

  it("does not carry tenant A's session to tenant B", async () => {
    const browser = new Browser();
    await signIn(configA, { email: a.user.email!, browser });
    // Same browser, now at B: B asks for a password (no session), and A's user cannot sign in at B.
    const url = client.buildAuthorizationUrl(configB, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    const { res } = await browser.follow(url.href, REDIRECT_URI);
    expect(await res.text()).toContain('name="password"');
    await expect(authorize(configB, { email: a.user.email!, browser })).rejects.toThrow(/answered 400/);
  });

  it('serves each tenant its own keys', async () => {
    const jwks = async (slug: string) => ((await (await fetch(`${idp.baseUrl}/t/${slug}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const [ka, kb] = await Promise.all([jwks('tenant-a'), jwks('tenant-b')]);
    expect(ka).toHaveLength(4);
    expect(ka.filter((k) => kb.includes(k))).toEqual([]);
  });
});

function basic(fixture: TenantFixture): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(fixture.clientId)}:${encodeURIComponent(fixture.clientSecret)}`).toString('base64')}`;
}
