import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';

const DAY = 24 * 3600 * 1000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe('admin API: door permissions', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  // The token is passed explicitly: an absent one is the anonymous caller.
  const grantTo = (token: string | undefined, userId: string, door = 'main-entrance', window = {}) =>
    call('POST', '/tenants/tenant-a/door-permissions', token, { door, holder: { type: 'user', id: userId }, ...window });

  beforeAll(async () => {
    ({ idp, a, b, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  describe('authorization matrix', () => {
    const writers: [string, number][] = [
      ['operator', 403],
      ['adminA', 201],
      ['managerA', 201],
      ['auditorA', 403],
      ['adminB', 404],
      ['anonymous', 401],
    ];
    it.each(writers)('grant as %s answers %i', async (who, status) => {
      const res = await grantTo(tokens[who], a.user.id, 'lab');
      expect(res.status).toBe(status);
      if (status >= 400) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it.each(writers.map(([who, status]) => [who, status === 201 ? 200 : status] as [string, number]))('revoke as %s answers %i', async (who, status) => {
      const { body } = await grantTo(tokens.adminA, a.user.id, 'lab');
      expect((await call('DELETE', `/tenants/tenant-a/door-permissions/${body.id}`, tokens[who])).status).toBe(status);
    });

    it.each(writers.map(([who, status]) => [who, status === 201 ? 200 : status] as [string, number]))('read history as %s answers %i', async (who, status) => {
      expect((await call('GET', '/tenants/tenant-a/door-permissions', tokens[who])).status).toBe(status);
      expect((await call('GET', `/tenants/tenant-a/users/${a.user.id}/door-permissions`, tokens[who])).status).toBe(status);
    });

    it.each(writers.map(([who, status]) => [who, status === 201 || who === 'auditorA' ? 200 : status] as [string, number]))(
      'read who could open a door as %s answers %i (an auditor too: the other half of who did)',
      async (who, status) => {
        expect((await call('GET', '/tenants/tenant-a/doors/main-entrance/access', tokens[who])).status).toBe(status);
      },
    );

    it("answers 404 for tenant A's grants, users and doors asked through tenant B", async () => {
      const { body } = await grantTo(tokens.adminA, a.user.id);
      await call('POST', '/tenants/tenant-a/doors', tokens.adminA, { key: 'only-in-a', name: 'Only in A' });
      expect((await call('DELETE', `/tenants/tenant-b/door-permissions/${body.id}`, tokens.adminB)).status).toBe(404);
      expect((await call('GET', `/tenants/tenant-b/users/${a.user.id}/door-permissions`, tokens.adminB)).status).toBe(404);
      expect((await call('GET', '/tenants/tenant-b/doors/only-in-a/access', tokens.adminB)).status).toBe(404);
      const foreignUser = await call('POST', '/tenants/tenant-b/door-permissions', tokens.adminB, { door: 'main-entrance', holder: { type: 'user', id: a.user.id } });
      expect(foreignUser.status).toBe(404);
      const listed = await call('GET', `/tenants/tenant-b/door-permissions?holder_type=user&holder_id=${a.user.id}&include_revoked=true`, tokens.adminB);
      expect(listed.body.items).toEqual([]);
    });
  });

  describe('granting and revoking', () => {
    const logOf = async (userId: string) => (await call('GET', `/tenants/tenant-a/change-log?subject=${userId}`, tokens.auditorA)).body.items;

    it('logs a grant and a revocation to a user once each, naming the actor and no personal values', async () => {
      const user = (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'dora@tenant-a.test', name: 'Dora Door' })).body;
      const before = await logOf(user.id);

      const granted = await grantTo(tokens.managerA, user.id, 'lab', { valid_until: daysFromNow(30) });
      expect(granted.status).toBe(201);
      expect(granted.body).toMatchObject({ door: 'lab', holder: { type: 'user', id: user.id }, valid_from: null, revoked_at: null });
      expect(granted.body.granted_by).toMatch(/^service:cli_.+@tenant-a$/);

      const revoked = await call('DELETE', `/tenants/tenant-a/door-permissions/${granted.body.id}`, tokens.adminA);
      expect(revoked.status).toBe(200);
      expect(Date.parse(revoked.body.revoked_at)).not.toBeNaN();
      expect(revoked.body.revoked_by).not.toBe(granted.body.granted_by);
      expect((await call('DELETE', `/tenants/tenant-a/door-permissions/${granted.body.id}`, tokens.adminA)).status).toBe(409);

      const added = (await logOf(user.id)).slice(0, -before.length);
      expect(added.map((e: { action: string }) => e.action)).toEqual(['door_permission.revoked', 'door_permission.granted']);
      for (const entry of added) expect(entry).toMatchObject({ subject_type: 'user', subject_id: user.id, fields: ['door_permissions'] });
      expect(added[1].actor).toBe(granted.body.granted_by);
      expect(added[0].actor).toBe(revoked.body.revoked_by);
      const text = JSON.stringify(added);
      for (const value of ['dora@tenant-a.test', 'Dora Door', 'lab', 'Lab']) expect(text).not.toContain(value);
    });

    it('keeps grants to roles out of the personal-data change log', async () => {
      const count = async () => (await call('GET', '/tenants/tenant-a/change-log?limit=200', tokens.auditorA)).body.items.length;
      const before = await count();
      const granted = await call('POST', '/tenants/tenant-a/door-permissions', tokens.adminA, { door: 'main-entrance', holder: { type: 'role', id: 'team_lead' } });
      expect(granted.status).toBe(201);
      expect((await call('DELETE', `/tenants/tenant-a/door-permissions/${granted.body.id}`, tokens.adminA)).status).toBe(200);
      expect(await count()).toBe(before);
    });

    it('answers 404 for a role, user or door that does not exist, and 409 for an archived door', async () => {
      const toRole = await call('POST', '/tenants/tenant-a/door-permissions', tokens.adminA, { door: 'lab', holder: { type: 'role', id: 'employee' } });
      expect(toRole.status).toBe(404);
      expect((await grantTo(tokens.adminA, 'usr_doesnotexist0000000000')).status).toBe(404);
      expect((await grantTo(tokens.adminA, a.user.id, 'no-such-door')).status).toBe(404);
      await call('POST', '/tenants/tenant-a/doors', tokens.adminA, { key: 'old-wing', name: 'Old wing' });
      await call('POST', '/tenants/tenant-a/doors/old-wing/archive', tokens.adminA);
      expect((await grantTo(tokens.adminA, a.user.id, 'old-wing')).status).toBe(409);
    });

    it('lists grants by door and holder, revoked ones only when asked, page by page', async () => {
      const user = (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'lister@tenant-a.test' })).body;
      const ids: string[] = [];
      for (const door of ['main-entrance', 'lab', 'lab']) ids.push((await grantTo(tokens.adminA, user.id, door)).body.id);
      await call('DELETE', `/tenants/tenant-a/door-permissions/${ids[2]}`, tokens.adminA);
      const list = async (query: string) =>
        (await call('GET', `/tenants/tenant-a/door-permissions?holder_type=user&holder_id=${user.id}${query}`, tokens.managerA)).body.items.map((p: { id: string }) => p.id);
      expect(await list('')).toEqual([ids[0], ids[1]].sort());
      expect(await list('&include_revoked=true')).toEqual([...ids].sort());
      expect(await list('&door=lab')).toEqual([ids[1]]);
      const first = await call('GET', `/tenants/tenant-a/door-permissions?holder_id=${user.id}&include_revoked=true&limit=2`, tokens.managerA);
      const second = await call('GET', `/tenants/tenant-a/door-permissions?holder_id=${user.id}&include_revoked=true&limit=2&cursor=${first.body.next_cursor}`, tokens.managerA);
      expect([...first.body.items, ...second.body.items].map((p: { id: string }) => p.id)).toEqual([...ids].sort());
      expect(second.body.next_cursor).toBeNull();
    });
  });

  describe('bad input names the field', () => {
    const user = { type: 'user', id: 'usr_0123456789abcdef' };
    it.each([
      [{ holder: user }, 'body.door'],
      [{ door: 'Main Entrance', holder: user }, 'body.door'],
      [{ door: 'lab' }, 'body.holder'],
      [{ door: 'lab', holder: { type: 'group', id: 'x' } }, 'body.holder.type'],
      [{ door: 'lab', holder: { type: 'user', id: 'alice' } }, 'body.holder.id'],
      [{ door: 'lab', holder: { type: 'role', id: 'Team Lead' } }, 'body.holder.id'],
      [{ door: 'lab', holder: user, valid_from: 'yesterday' }, 'body.valid_from'],
      [{ door: 'lab', holder: user, valid_from: '2030-01-01T00:00:00' }, 'body.valid_from'],
      [{ door: 'lab', holder: user, valid_until: 1700000000 }, 'body.valid_until'],
      [{ door: 'lab', holder: user, valid_from: '2030-01-02T00:00:00Z', valid_until: '2030-01-01T00:00:00Z' }, 'body.valid_until'],
      [{ door: 'lab', holder: user, valid_from: '2030-01-01T00:00:00Z', valid_until: '2030-01-01T00:00:00Z' }, 'body.valid_until'],
      [{ door: 'lab', holder: user, granted_by: 'someone-else' }, 'body'],
    ])('grant %j -> 400 naming %s', async (body, field) => {
      const res = await call('POST', '/tenants/tenant-a/door-permissions', tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it.each([
      ['/door-permissions?holder_type=group', 'query.holder_type'],
      ['/door-permissions?include_revoked=perhaps', 'query.include_revoked'],
      ['/door-permissions?door=Not%20A%20Key', 'query.door'],
      ['/door-permissions?limit=0', 'query.limit'],
      ['/doors/lab/access?at=last-tuesday', 'query.at'],
      ['/users/not-an-id/door-permissions', 'params.userId'],
    ])('GET %s -> 400 naming %s', async (path, field) => {
      const res = await call('GET', `/tenants/tenant-a${path}`, tokens.adminA);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('names a malformed permission id', async () => {
      const res = await call('DELETE', '/tenants/tenant-a/door-permissions/not-an-id', tokens.adminA);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('params.permissionId');
    });
  });
});
