import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { adminClient, operatorToken, serviceToken, type AdminCall } from '../support/admin.js';
import { asSetup, PASSWORD, REDIRECT_URI } from '../support/fixtures.js';
import { authorize, discoverClient } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const LOCKS = 'https://locks.harbour.test/api';

/**
 * A tenant set up through the admin API alone gets JWT access tokens for the resource servers it registers,
 * and every process of the deployment learns of a new or removed resource within TENANT_REFRESH_MS.
 */
describe('resource servers registered through the admin API', () => {
  let one: TestIdp;
  let two: TestIdp;
  let call: AdminCall;
  let admin: string;
  let app: { clientId: string; clientSecret: string };
  let issuer: string;

  /** A client credentials request of the app to one instance's token endpoint. */
  async function clientCredentials(idp: TestIdp, resource: string, scope?: string) {
    const res = await fetch(`${idp.baseUrl}/t/harbour/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, ...(scope ? { scope } : {}) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Asks until the answer is the one wanted: the test app re-reads tenants every 200 ms, so a few rounds do. */
  async function until(idp: TestIdp, resource: string, done: (res: { status: number; body: Record<string, unknown> }) => boolean, scope?: string) {
    let res = await clientCredentials(idp, resource, scope);
    for (let attempt = 0; attempt < 50 && !done(res); attempt++) {
      await sleep(100);
      res = await clientCredentials(idp, resource, scope);
    }
    return res;
  }
  const answers = (status: number) => (res: { status: number }) => res.status === status;

  async function verify(token: string, audience: string) {
    expect(decodeProtectedHeader(token).typ).toBe('at+jwt');
    return (await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience })).payload;
  }

  beforeAll(async () => {
    const masterKey = randomBytes(32);
    one = await startTestIdp({ masterKey });
    two = await startTestIdp({ masterKey, database: one.testDatabase, env: { PUBLIC_URL: one.baseUrl } });
    call = adminClient(one);
    const created = await call('POST', '/tenants', await operatorToken(one), { slug: 'harbour', name: 'Harbour Offices' });
    expect(created.status).toBe(201);
    issuer = created.body.issuer;
    const tenant = await one.services.tenants.getBySlug('harbour');
    admin = await serviceToken(one, tenant, ['tenant_admin']);
    const registered = await call('POST', '/tenants/harbour/clients', admin, {
      client_name: 'Harbour app',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'client_credentials'],
      scope: 'openid',
    });
    expect(registered.status).toBe(201);
    app = { clientId: registered.body.client_id, clientSecret: registered.body.client_secret };
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it('refuses a resource the tenant has not registered', async () => {
    const res = await clientCredentials(one, LOCKS);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  it('issues a client credentials JWT with the audience, scope and lifetime of the resource, verifiable with the JWKS', async () => {
    const created = await call('POST', '/tenants/harbour/resource-servers', admin, { identifier: LOCKS, name: 'Locks', scopes: ['locks:open', 'locks:status'], access_token_ttl: 1234, claims: ['door_permissions'] });
    expect(created.status).toBe(201);
    const res = await until(one, LOCKS, answers(200), 'locks:open locks:status');
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(1234);
    const payload = await verify(res.body.access_token as string, LOCKS);
    expect(payload).toMatchObject({ aud: LOCKS, client_id: app.clientId, sub: app.clientId, tenant: 'harbour', scope: 'locks:open locks:status' });
    expect(payload.exp! - payload.iat!).toBe(1234);
    // No person behind a client credentials token: no person's claims either.
    expect(payload).not.toHaveProperty('door_permissions');
    expect(payload).not.toHaveProperty('roles');

    const narrowed = await clientCredentials(one, LOCKS, 'locks:status');
    expect((await verify(narrowed.body.access_token as string, LOCKS)).scope).toBe('locks:status');
  });

  it('issues an authorization code JWT carrying only the claims the resource chose', async () => {
    const tenant = await one.services.tenants.getBySlug('harbour');
    const user = await asSetup(() => one.services.users.create(tenant, { email: 'eva@harbour.test', password: PASSWORD, name: 'Eva', roles: ['caretaker'], emailVerified: true }));
    const door = await asSetup(() => one.services.doors.create(tenant._id, { key: 'quay', name: 'Quay gate' }));
    await asSetup(() => one.services.doorPermissions.grant(tenant._id, { doorId: door._id, holderType: 'user', holderId: user.id }));
    const rp = await discoverClient(one.baseUrl, { tenant, ...app });

    const forLocks = async () => {
      const { callbackUrl, codeVerifier, state } = await authorize(rp, { email: 'eva@harbour.test', scope: 'openid locks:open', resource: LOCKS });
      // The code was granted for the resource; the token request names it to get a JWT for it.
      const tokens = await client.authorizationCodeGrant(rp, callbackUrl, { pkceCodeVerifier: codeVerifier, expectedState: state }, { resource: LOCKS });
      return verify(tokens.access_token, LOCKS);
    };
    const payload = await forLocks();
    expect(payload).toMatchObject({ sub: user.id, tenant: 'harbour', scope: 'locks:open' });
    expect(payload.exp! - payload.iat!).toBe(1234);
    expect((payload.door_permissions as { door_id: string }[]).map((d) => d.door_id)).toEqual(['quay']);
    expect(payload).not.toHaveProperty('roles');

    const id = (await call('GET', '/tenants/harbour/resource-servers', admin)).body.items[0].id;
    expect((await call('PATCH', `/tenants/harbour/resource-servers/${id}`, admin, { claims: ['roles'], access_token_ttl: 60 })).status).toBe(200);
    // Once the provider was rebuilt with the change (the lifetime shows it), user tokens follow the new choice.
    expect((await until(one, LOCKS, (res) => res.body.expires_in === 60)).body.expires_in).toBe(60);
    const changed = await forLocks();
    expect(changed.roles).toEqual(['caretaker']);
    expect(changed).not.toHaveProperty('door_permissions');
    expect(changed.exp! - changed.iat!).toBe(60);
  });

  it('shows a resource created or deleted through one process to the other within the refresh interval', async () => {
    const other = 'urn:harbour:garage';
    expect((await clientCredentials(two, other)).status).toBe(400);
    const created = await call('POST', '/tenants/harbour/resource-servers', admin, { identifier: other, name: 'Garage', scopes: ['garage:open'], access_token_ttl: 300 });
    expect(created.status).toBe(201);
    const seen = await until(two, other, answers(200));
    expect(seen.status).toBe(200);
    expect((await verify(seen.body.access_token as string, other)).aud).toBe(other);

    expect((await call('DELETE', `/tenants/harbour/resource-servers/${created.body.id}`, admin)).status).toBe(204);
    const gone = await until(two, other, answers(400));
    expect(gone.status).toBe(400);
    expect(gone.body.error).toBe('invalid_target');
  });
});
