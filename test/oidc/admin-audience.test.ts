import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { adminAudience } from '../../src/admin-api/admin-api.js';
import { serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, PASSWORD, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { authorize, discoverClient } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** The admin API audience is for the console and service accounts only, whoever signs in to an app. */
describe('who may obtain admin API tokens', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let app: client.Configuration;
  let audience: string;
  const adminEmail = 'root@gatekeepers.test';

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'gatekeepers');
    audience = adminAudience(idp.baseUrl);
    app = await discoverClient(idp.baseUrl, fixture);
    await asSetup(() => idp.services.users.create(fixture.tenant, { email: adminEmail, password: PASSWORD, name: 'Root', roles: ['tenant_admin'], emailVerified: true }));
  });
  afterAll(() => idp.close());

  it('refuses the authorization request of an ordinary app for the admin audience, though a tenant admin is at hand', async () => {
    const { callbackUrl } = await authorize(app, { email: adminEmail, scope: 'openid admin', resource: audience });
    expect(callbackUrl.searchParams.get('error')).toBe('invalid_target');
    expect(callbackUrl.searchParams.get('code')).toBeNull();
  });

  it('still lets the same app sign the admin in for its own resource', async () => {
    const { callbackUrl } = await authorize(app, { email: adminEmail, scope: 'openid locks:open', resource: RESOURCE });
    expect(callbackUrl.searchParams.get('error')).toBeNull();
    expect(callbackUrl.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('refuses the token request of an ordinary app for the admin audience', async () => {
    await expect(client.clientCredentialsGrant(app, { resource: audience, scope: 'admin' })).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('issues admin-audience tokens to a service account by client credentials', async () => {
    const token = await serviceToken(idp, fixture.tenant, ['tenant_admin']);
    const issuer = `${idp.baseUrl}/t/gatekeepers`;
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience });
    expect(payload.scope).toBe('admin');
    expect(payload.exp! - payload.iat!).toBe(300);
    const res = await fetch(`${idp.baseUrl}/admin/api/v1/tenants/gatekeepers`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });
});
