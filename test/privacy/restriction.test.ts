import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { adminClient, serviceToken } from '../support/admin.js';
import { createTenantFixture, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn, type SignedIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { SETUP_TIMEOUT_MS } from './privacy-fixture.js';

const RESTRICTED = 'urn:doorway:problem:processing-restricted';

describe('restriction of processing', () => {
  let idp: TestIdp;
  let acme: TenantFixture;
  let config: client.Configuration;
  let admin: string;
  let call: ReturnType<typeof adminClient>;
  let before: SignedIn;
  const email = () => acme.user.email!;

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    acme = await createTenantFixture(idp.services, 'acme');
    config = await discoverClient(idp.baseUrl, acme);
    admin = await serviceToken(idp, acme.tenant, ['tenant_admin']);
    before = await signIn(config, { email: email() });
    const restricted = await call('POST', `/tenants/acme/users/${acme.user.id}/restrict`, admin);
    expect(restricted.body).toMatchObject({ status: 'restricted' });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  describe('while restricted', () => {
    it('keeps the data: the profile still reads in full', async () => {
      const res = await call('GET', `/tenants/acme/users/${acme.user.id}`, admin);
      expect(res.body).toMatchObject({ email: email(), name: 'Alice Andersen', status: 'restricted' });
    });

    it('refuses sign-in', async () => {
      await expect(signIn(config, { email: email() })).rejects.toThrow(/answered 400/);
    });

    it('ends the tokens handed out before: refresh refused, access token inactive, userinfo refused', async () => {
      await expect(client.refreshTokenGrant(config, before.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      expect((await client.tokenIntrospection(config, before.tokens.access_token)).active).toBe(false);
      await expect(client.fetchUserInfo(config, before.tokens.access_token, acme.user.id)).rejects.toMatchObject({
        name: 'WWWAuthenticateChallengeError',
        status: 401,
        cause: [expect.objectContaining({ scheme: 'bearer', parameters: expect.objectContaining({ error: 'invalid_token' }) })],
      });
    });

    it('gives their door permissions to no claim, whoever asks', async () => {
      expect(await idp.services.doorPermissions.claimsFor(acme.tenant._id, acme.user)).toEqual([]);
    });

    it("leaves them out of what a lock back-end's own token and its introspection say", async () => {
      const jwt = await client.clientCredentialsGrant(config, { resource: RESOURCE, scope: 'locks:open' });
      const opaque = await client.clientCredentialsGrant(config, {});
      const introspected = await client.tokenIntrospection(config, opaque.access_token);
      expect(introspected.active).toBe(true);
      expect(JSON.stringify([decodeJwt(jwt.access_token), introspected])).not.toContain(acme.user.id);
    });

    it('refuses a new door grant with a 409 of its own problem type, and records nothing', async () => {
      const grants = () => idp.db.models.doorPermissions.countDocuments({ tenantId: acme.tenant._id, holderType: 'user', holderId: acme.user.id });
      const before = await grants();
      const res = await call('POST', '/tenants/acme/door-permissions', admin, { door: 'lab', holder: { type: 'user', id: acme.user.id } });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: RESTRICTED, status: 409 });
      expect(await grants()).toBe(before);
      expect((await call('GET', `/tenants/acme/change-log?subject=${acme.user.id}&action=door_permission.granted`, admin)).body.items).toHaveLength(1);
    });

    it('refuses a change of their roles the same way, and keeps them', async () => {
      const res = await call('PATCH', `/tenants/acme/users/${acme.user.id}`, admin, { roles: ['employee', 'team_lead', 'night_guard'] });
      expect(res).toMatchObject({ status: 409, body: { type: RESTRICTED } });
      expect((await call('GET', `/tenants/acme/users/${acme.user.id}`, admin)).body.roles).toEqual(['employee', 'team_lead']);
      expect((await call('GET', `/tenants/acme/change-log?subject=${acme.user.id}&action=user.updated`, admin)).body.items).toEqual([]);
    });

    it('still lets their data be corrected, a grant they hold be revoked, and them be erased', async () => {
      const bob = (await call('POST', '/tenants/acme/users', admin, { email: 'bob@acme.test', name: 'Bob Berg', roles: ['employee'] })).body;
      const grant = await call('POST', '/tenants/acme/door-permissions', admin, { door: 'lab', holder: { type: 'user', id: bob.id } });
      expect((await call('POST', `/tenants/acme/users/${bob.id}/restrict`, admin)).status).toBe(200);
      expect((await call('PATCH', `/tenants/acme/users/${bob.id}`, admin, { name: 'Bob Bergström' })).body).toMatchObject({ name: 'Bob Bergström', status: 'restricted' });
      expect((await call('DELETE', `/tenants/acme/door-permissions/${grant.body.id}`, admin)).status).toBe(200);
      expect((await call('DELETE', `/tenants/acme/users/${bob.id}`, admin)).status).toBe(204);
    });

    it('is recorded in the change log under the acting admin', async () => {
      const log = await call('GET', `/tenants/acme/change-log?subject=${acme.user.id}&action=user.restricted`, admin);
      expect(log.body.items).toEqual([expect.objectContaining({ fields: ['status'], actor: expect.stringMatching(/^service:cli_.+@acme$/) })]);
    });
  });

  describe('when lifted', () => {
    beforeAll(async () => {
      expect((await call('POST', `/tenants/acme/users/${acme.user.id}/unrestrict`, admin)).body).toMatchObject({ status: 'active' });
    });

    it('takes door grants and role changes again', async () => {
      const res = await call('PATCH', `/tenants/acme/users/${acme.user.id}`, admin, { roles: ['employee', 'team_lead', 'night_guard'] });
      expect(res).toMatchObject({ status: 200, body: { roles: ['employee', 'team_lead', 'night_guard'] } });
      expect((await call('PATCH', `/tenants/acme/users/${acme.user.id}`, admin, { roles: ['employee', 'team_lead'] })).status).toBe(200);
      expect((await call('POST', '/tenants/acme/door-permissions', admin, { door: 'lab', holder: { type: 'user', id: acme.user.id } })).status).toBe(201);
    });

    it('lets them sign in again, their door permissions back in their tokens', async () => {
      const { tokens } = await signIn(config, { email: email() });
      const claims = decodeJwt(tokens.id_token!);
      expect((claims.door_permissions as { door_id: string }[]).map((d) => d.door_id)).toEqual(['lab', 'main-entrance']);
      expect(await idp.services.doorPermissions.claimsFor(acme.tenant._id, acme.user)).toHaveLength(2);
    });
  });
});
