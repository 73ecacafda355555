import { z } from 'zod';
import type { RouteSpec } from '../../src/admin-api/route-spec.js';
import { adminRoutes } from '../../src/admin-api/routes/index.js';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';

/** Bad input answers 400 problem+json naming the field, whatever the field; never a 500, never a quiet accept. */
describe('admin API: bad input names the field', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];

  const expectInvalid = async (res: { status: number; body: any; headers: Headers }, field: string) => {
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('urn:doorway:problem:validation');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  };

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  describe('tenant settings: mfa.required_for_roles', () => {
    it.each([
      [{ required_for_roles: ['Not A Role'] }, 'body.settings.mfa.required_for_roles.0'],
      [{ required_for_roles: 'tenant_admin' }, 'body.settings.mfa.required_for_roles'],
      [{ required_for_roles: [42] }, 'body.settings.mfa.required_for_roles.0'],
      [{ required_for_roles: Array.from({ length: 51 }, (_, i) => `role_${i}`) }, 'body.settings.mfa.required_for_roles'],
      [{}, 'body.settings.mfa.required_for_roles'],
      [{ required_for_roles: [], also: true }, 'body.settings.mfa'],
      [null, 'body.settings.mfa'],
    ])('mfa %j -> 400 naming %s, on update and on create', async (mfa, field) => {
      await expectInvalid(await call('PATCH', '/tenants/tenant-a', tokens.adminA, { settings: { mfa } }), field);
      await expectInvalid(await call('POST', '/tenants', tokens.operator, { slug: 'tenant-new', name: 'New', settings: { mfa } }), field);
    });

    it('leaves the setting as it was after a refusal', async () => {
      await call('PATCH', '/tenants/tenant-a', tokens.adminA, { settings: { mfa: { required_for_roles: ['tenant_admin', 'Bad'] } } });
      expect((await call('GET', '/tenants/tenant-a', tokens.adminA)).body.settings.mfa.required_for_roles).toEqual([]);
    });
  });

  describe('user given_name and family_name', () => {
    it.each([
      [{ given_name: '' }, 'body.given_name'],
      [{ given_name: '   ' }, 'body.given_name'],
      [{ given_name: 42 }, 'body.given_name'],
      [{ given_name: null }, 'body.given_name'],
      [{ family_name: '' }, 'body.family_name'],
      [{ family_name: 'x'.repeat(201) }, 'body.family_name'],
      [{ family_name: ['Lee'] }, 'body.family_name'],
    ])('%j -> 400 naming the field, on create and on update', async (fields, field) => {
      await expectInvalid(await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'names@tenant-a.test', ...fields }), field);
      await expectInvalid(await call('PATCH', `/tenants/tenant-a/users/${a.user.id}`, tokens.adminA, fields), field);
    });
  });

  describe('user PATCH body', () => {
    it.each([
      [{}, 'body'],
      [[], 'body'],
      [{ email: 'not-an-email' }, 'body.email'],
      [{ email: '' }, 'body.email'],
      [{ name: '' }, 'body.name'],
      [{ name: null }, 'body.name'],
      [{ phone: 'call me' }, 'body.phone'],
      [{ locale: 'xx' }, 'body.locale'],
      [{ roles: 'employee' }, 'body.roles'],
      [{ roles: ['Has Spaces'] }, 'body.roles.0'],
      [{ roles: Array.from({ length: 51 }, (_, i) => `r${i}`) }, 'body.roles'],
      [{ status: 'active' }, 'body'],
      [{ id: 'usr_0000000000' }, 'body'],
      [{ email_verified: true }, 'body'],
    ])('%j -> 400 naming %s, and the user unchanged', async (body, field) => {
      await expectInvalid(await call('PATCH', `/tenants/tenant-a/users/${a.user.id}`, tokens.adminA, body), field);
      expect((await call('GET', `/tenants/tenant-a/users/${a.user.id}`, tokens.adminA)).body).toMatchObject({
        email: a.user.email,
        name: a.user.name,
        roles: a.user.roles,
        status: 'active',
      });
    });

    it('answers a body that is not JSON, or JSON null, with 400 problem+json, not 500', async () => {
      for (const raw of ['{"name": ', 'null', '"Robert"']) {
        const res = await call('PATCH', `/tenants/tenant-a/users/${a.user.id}`, tokens.adminA, raw);
        expect([raw, res.status, res.headers.get('content-type')]).toEqual([raw, 400, expect.stringMatching(/^application\/problem\+json/)]);
      }
    });

    it('changes only the fields sent: a PATCH without roles keeps them', async () => {
      const res = await call('PATCH', `/tenants/tenant-a/users/${a.user.id}`, tokens.adminA, { given_name: 'Alicia' });
      expect(res.body).toMatchObject({ given_name: 'Alicia', roles: a.user.roles });
    });
  });

  describe('an empty PATCH: nothing to change is a 400, on every PATCH route', () => {
    it('finds the PATCH routes and refuses `{}` on each, naming the body or its one required field', async () => {
      const patches = adminRoutes(idp.services, idp.config).filter((r) => r.method === 'patch');
      expect(patches.map((r) => r.operationId).sort()).toEqual(['renameDoor', 'updateClient', 'updateLock', 'updateResourceServer', 'updateRole', 'updateTenant', 'updateTenantSettings', 'updateUpstreamIdp', 'updateUser']);
      const path: Record<string, string> = {
        renameDoor: '/tenants/tenant-a/doors/main-entrance',
        updateClient: '/tenants/tenant-a/clients/tenant-a-app',
        updateLock: '/tenants/tenant-a/locks/lck_0000000000',
        updateResourceServer: '/tenants/tenant-a/resource-servers/rsv_0000000000000000000000',
        updateRole: '/tenants/tenant-a/roles/team_lead',
        updateTenant: '/tenants/tenant-a',
        updateTenantSettings: '/tenants/tenant-a/settings',
        updateUpstreamIdp: '/tenants/tenant-a/upstream-idps/idp_0000000000',
        updateUser: `/tenants/tenant-a/users/${a.user.id}`,
      };
      const named: Record<string, string> = { renameDoor: 'body.name', updateRole: 'body.description' };
      for (const route of patches) {
        const res = await call('PATCH', path[route.operationId]!, tokens.adminA, {});
        expect([route.operationId, res.status, res.body.type]).toEqual([route.operationId, 400, 'urn:doorway:problem:validation']);
        expect([route.operationId, res.body.errors.map((e: { field: string }) => e.field)]).toEqual([route.operationId, [named[route.operationId] ?? 'body']]);
      }
    });

    it('leaves the tenant as it was', async () => {
      const before = (await call('GET', '/tenants/tenant-a', tokens.adminA)).body;
      const res = await call('PATCH', '/tenants/tenant-a', tokens.adminA, {});
      expect(res.body.errors).toEqual([{ field: 'body', message: expect.stringMatching(/nothing to change/) }]);
      expect((await call('GET', '/tenants/tenant-a', tokens.adminA)).body).toEqual(before);
    });
  });

  describe('a body too large', () => {
    it('answers a body over 1 MB with 413, which every route reading a body documents', async () => {
      const res = await call('PATCH', '/tenants/tenant-a', tokens.adminA, { name: 'x'.repeat(1_100_000) });
      expect([res.status, res.headers.get('content-type'), res.body.type]).toEqual([413, expect.stringMatching(/^application\/problem\+json/), 'urn:doorway:problem:bad-request']);
    });
  });

  describe('email addresses: RFC 5321 bounds, the same wherever one is taken', () => {
    const local64 = 'l'.repeat(64);
    const tooLongLocal = `${'l'.repeat(65)}@tenant-a.test`;
    // 254 characters in all is the most a forward path leaves an address: 255 is refused, whatever its parts.
    const tooLong = `${local64}@${'d'.repeat(255 - 64 - '@.test'.length)}.test`;

    it.each([
      ['createUser', 'POST', '/tenants/tenant-a/users', (email: string) => ({ email }), 'body.email'],
      ['updateUser', 'PATCH', '/tenants/tenant-a/users/{user}', (email: string) => ({ email }), 'body.email'],
      ['createInvitation', 'POST', '/tenants/tenant-a/invitations', (email: string) => ({ email }), 'body.email'],
      ['inviteReplacementAdmin', 'POST', '/tenants/tenant-a/admin-invitations', (email: string) => ({ email }), 'body.email'],
      ['createTenant', 'POST', '/tenants', (email: string) => ({ slug: 'long-mail', name: 'Long', admins: [{ email }] }), 'body.admins.0.email'],
    ] as const)('%s refuses a local part over 64 characters and an address over 254, naming %s', async (_op, method, template, body, field) => {
      const token = template.startsWith('/tenants/tenant-a/admin') || template === '/tenants' ? tokens.operator : tokens.adminA;
      const path = template.replace('{user}', a.user.id);
      expect(tooLong.length).toBe(255);
      for (const email of [tooLongLocal, tooLong]) await expectInvalid(await call(method, path, token, body(email)), field);
      expect((await call('GET', '/tenants', tokens.operator)).body.items.map((t: { slug: string }) => t.slug)).not.toContain('long-mail');
    });

    it('refuses the same in a search by email', async () => {
      await expectInvalid(await call('GET', `/tenants/tenant-a/users?email=${encodeURIComponent(tooLongLocal)}`, tokens.adminA), 'query.email');
    });

    it('takes a local part of exactly 64 characters', async () => {
      const res = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: `${local64}@tenant-a.test` });
      expect([res.status, res.body.email]).toEqual([201, `${local64}@tenant-a.test`]);
    });
  });

  describe('a malformed page cursor, on every list that pages', () => {
    let lists: RouteSpec[];
    beforeAll(() => {
      const pages = (r: RouteSpec) => r.method === 'get' && r.query instanceof z.ZodObject && 'cursor' in r.query.shape;
      lists = adminRoutes(idp.services, idp.config).filter(pages);
    });

    it('finds the lists', () => {
      expect(lists.map((r) => r.operationId)).toEqual(expect.arrayContaining(['listUsers', 'listChangeLog', 'listTenants', 'listDoorPermissions']));
    });

    it.each([
      ['not base64url', '!!!'],
      ['bytes that are no key', Buffer.from([0xff, 0x00, 0xfe, 0x10]).toString('base64url')],
      ['a key with spaces', Buffer.from('usr_x } { $gt').toString('base64url')],
      ['far too long', 'A'.repeat(600)],
    ])('refuses a cursor that is %s, naming query.cursor', async (_what, cursor) => {
      for (const route of lists) {
        const path = route.path.replace('{tenant}', 'tenant-a');
        const token = route.access.scope === 'platform' ? tokens.operator : tokens.adminA;
        const res = await call('GET', `${path}?cursor=${encodeURIComponent(cursor)}`, token);
        expect([route.operationId, res.status]).toEqual([route.operationId, 400]);
        const fields = new Set(res.body.errors.map((e: { field: string }) => e.field));
        expect([route.operationId, [...fields]]).toEqual([route.operationId, ['query.cursor']]);
      }
    });

    it('still takes the cursor it handed out', async () => {
      await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'second@tenant-a.test' });
      const first = await call('GET', '/tenants/tenant-a/users?limit=1', tokens.adminA);
      expect(first.body.next_cursor).toEqual(expect.any(String));
      expect((await call('GET', `/tenants/tenant-a/users?limit=1&cursor=${first.body.next_cursor}`, tokens.adminA)).status).toBe(200);
    });
  });
});
