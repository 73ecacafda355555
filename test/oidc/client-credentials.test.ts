import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { createTenantFixture, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { discoverClient } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

describe('client credentials', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let config: client.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'acme');
    config = await discoverClient(idp.baseUrl, fixture);
  });
  afterAll(() => idp.close());

  it('issues a JWT access token for a registered resource, verifiable offline with the tenant JWKS', async () => {
    const tokens = await client.clientCredentialsGrant(config, { resource: RESOURCE, scope: 'locks:open' });
    const issuer = `${idp.baseUrl}/t/acme`;
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: RESOURCE });
    expect(payload).toMatchObject({ client_id: fixture.clientId, tenant: 'acme', scope: 'locks:open' });
    expect(payload.sub).toBe(fixture.clientId);
  });

  it.each([
    ['openid profile roles', {}],
    ['openid', { resource: RESOURCE }],
    ['locks:open email', { resource: RESOURCE }],
    ['doors offline_access', {}],
  ])('refuses the OpenID scopes %s with invalid_scope: client credentials speak for no person', async (scope, extra) => {
    await expect(client.clientCredentialsGrant(config, { scope, ...extra })).rejects.toMatchObject({ error: 'invalid_scope', status: 400 });
  });

  it('issues a token with no scope, and with a resource scope alone', async () => {
    expect((await client.clientCredentialsGrant(config, {})).access_token).toEqual(expect.any(String));
    expect((await client.clientCredentialsGrant(config, { resource: RESOURCE, scope: 'locks:open' })).scope).toBe('locks:open');
  });

  it('refuses an unregistered resource with invalid_target', async () => {
    await expect(client.clientCredentialsGrant(config, { resource: 'urn:not:registered' })).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const res = await fetch(`${idp.baseUrl}/t/acme/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${fixture.clientId}:not-the-secret`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('counts issued tokens in the metrics', async () => {
    await client.clientCredentialsGrant(config, { resource: RESOURCE });
    const metrics = await (await fetch(`${idp.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/idp_tokens_issued_total\{kind="ClientCredentials"\} [1-9]/);
  });
});
