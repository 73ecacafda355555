import { adminClient, serviceToken } from '../support/admin.js';
import { createTenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const DAY = 24 * 3600 * 1000;

/**
 * The history questions, asked through the admin API. Windows in the past are written as valid_from and
 * valid_until; revocations happen now, and questions about earlier dates must still see what was revoked.
 */
describe('door permission history', () => {
  let idp: TestIdp;
  let call: ReturnType<typeof adminClient>;
  let admin: string;
  let userId: string;
  const now = Date.now();
  const day = (offset: number) => new Date(now + offset * DAY).toISOString();
  const grants: Record<string, { id: string; valid_from: string | null; valid_until: string | null }> = {};

  const heldAt = async (offset: number) => {
    const res = await call('GET', `/tenants/history/users/${userId}/door-permissions?at=${encodeURIComponent(day(offset))}`, admin);
    expect(res.status).toBe(200);
    return res.body.items.map((p: { id: string }) => p.id).sort();
  };
  const accessAt = async (offset: number) => {
    const res = await call('GET', `/tenants/history/doors/archive-room/access?at=${encodeURIComponent(day(offset))}`, admin);
    expect(res.status).toBe(200);
    return res.body as { users: { user_id: string; permission_id: string }[]; roles: { role: string; permission_id: string }[] };
  };
  const expected = (...names: string[]) => names.map((n) => grants[n]!.id).sort();

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    const fixture = await createTenantFixture(idp.services, 'history');
    admin = await serviceToken(idp, fixture.tenant, ['tenant_admin']);
    await call('POST', '/tenants/history/doors', admin, { key: 'archive-room', name: 'Archive room' });
    await call('POST', '/tenants/history/roles', admin, { name: 'archivist' });
    userId = (await call('POST', '/tenants/history/users', admin, { email: 'hal@history.test', roles: ['archivist'] })).body.id;
    const grant = async (name: string, holder: { type: string; id: string }, window: Record<string, string>) => {
      const res = await call('POST', '/tenants/history/door-permissions', admin, { door: 'archive-room', holder, ...window });
      expect(res.status).toBe(201);
      grants[name] = res.body;
    };
    // Direct:   [-30, -10)     Through the role: [-20, +10)     Direct, revoked now: [-3, open)
    await grant('direct', { type: 'user', id: userId }, { valid_from: day(-30), valid_until: day(-10) });
    await grant('role', { type: 'role', id: 'archivist' }, { valid_from: day(-20), valid_until: day(10) });
    await grant('revoked', { type: 'user', id: userId }, { valid_from: day(-3) });
    expect((await call('DELETE', `/tenants/history/door-permissions/${grants.revoked!.id}`, admin)).status).toBe(200);
  });
  afterAll(() => idp.close());

  it('answers which permissions a user held before, inside and after a window', async () => {
    expect(await heldAt(-40)).toEqual([]);
    expect(await heldAt(-25)).toEqual(expected('direct'));
    expect(await heldAt(-15)).toEqual(expected('direct', 'role'));
    expect(await heldAt(-10)).toEqual(expected('role'));
    expect(await heldAt(20)).toEqual([]);
  });

  it('still answers with a revoked grant for a date before its revocation', async () => {
    expect(await heldAt(-1)).toEqual(expected('role', 'revoked'));
    expect(await heldAt(1)).toEqual(expected('role'));
  });

  it('counts the roles the user holds now and says which', async () => {
    const res = await call('GET', `/tenants/history/users/${userId}/door-permissions`, admin);
    expect(res.body.roles).toEqual(['archivist']);
    expect(res.body.items.map((p: { holder: { type: string; id: string } }) => p.holder)).toEqual([{ type: 'role', id: 'archivist' }]);
  });

  it('says in the API description that role membership is counted as it is now', async () => {
    const document = (await call('GET', '/openapi.json')).body;
    expect(document.paths['/tenants/{tenant}/users/{userId}/door-permissions'].get.summary).toMatch(/role membership has no history/i);
  });

  it('answers who could open a door on a date, listing role grants as roles', async () => {
    expect(await accessAt(-40)).toMatchObject({ users: [], roles: [] });
    expect(await accessAt(-15)).toMatchObject({
      users: [{ user_id: userId, permission_id: grants.direct!.id, valid_from: grants.direct!.valid_from, valid_until: grants.direct!.valid_until }],
      roles: [{ role: 'archivist', permission_id: grants.role!.id }],
    });
    expect(await accessAt(-1)).toMatchObject({ users: [{ user_id: userId, permission_id: grants.revoked!.id }], roles: [{ role: 'archivist' }] });
    expect(await accessAt(1)).toMatchObject({ users: [], roles: [{ role: 'archivist' }] });
  });

  it('does not date a grant without valid_from before it was made', async () => {
    const res = await call('POST', '/tenants/history/door-permissions', admin, { door: 'archive-room', holder: { type: 'user', id: userId } });
    expect(await heldAt(-1)).not.toContain(res.body.id);
    expect(await heldAt(1)).toContain(res.body.id);
    await call('DELETE', `/tenants/history/door-permissions/${res.body.id}`, admin);
  });

  it('lets an archived door open nothing from its archiving on, and keeps what it opened before', async () => {
    await call('POST', '/tenants/history/doors', admin, { key: 'old-vault', name: 'Old vault' });
    const { body } = await call('POST', '/tenants/history/door-permissions', admin, { door: 'old-vault', holder: { type: 'user', id: userId }, valid_from: day(-5) });
    expect((await call('POST', '/tenants/history/doors/old-vault/archive', admin)).status).toBe(200);
    expect(await heldAt(-1)).toContain(body.id);
    expect(await heldAt(1)).not.toContain(body.id);
    const vaultAt = async (offset: number) =>
      (await call('GET', `/tenants/history/doors/old-vault/access?at=${encodeURIComponent(day(offset))}`, admin)).body.users.map((u: { user_id: string }) => u.user_id);
    expect(await vaultAt(-1)).toEqual([userId]);
    expect(await vaultAt(1)).toEqual([]);
  });
});
