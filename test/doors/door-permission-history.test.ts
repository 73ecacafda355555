import { adminClient, serviceToken } from '../support/admin.js';
import { runWithContext } from '../../src/audit/request-context.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { createTenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const DAY = 24 * 3600 * 1000;

/**
 * The history questions, asked through the admin API. Windows in the past are written as valid_from and
 * valid_until; revocations happen now, and questions about earlier dates must still see what was revoked.
 * Role membership is dated by when it changed: Hal has held `archivist` for 60 days (dated back in the
 * database, the only way to have a past), the people in the last section change roles during the test.
 */
describe('door permission history', () => {
  let idp: TestIdp;
  let call: ReturnType<typeof adminClient>;
  let admin: string;
  let tenantId: string;
  let tenant: TenantDoc;
  const fixtureTenant = () => tenant;
  let userId: string;
  const now = Date.now();
  const day = (offset: number) => new Date(now + offset * DAY).toISOString();
  const grants: Record<string, { id: string; valid_from: string | null; valid_until: string | null }> = {};

  const heldBy = async (id: string, at: string) => {
    const res = await call('GET', `/tenants/history/users/${id}/door-permissions?at=${encodeURIComponent(at)}`, admin);
    expect(res.status).toBe(200);
    return { roles: res.body.roles as string[], ids: res.body.items.map((p: { id: string }) => p.id).sort() as string[] };
  };
  const heldAt = async (offset: number) => (await heldBy(userId, day(offset))).ids;
  type Access = { users: { user_id: string; permission_id: string; via_role: string | null }[]; roles: { role: string; permission_id: string }[] };
  const openersAt = async (at: string): Promise<Access> => {
    const res = await call('GET', `/tenants/history/doors/archive-room/access?at=${encodeURIComponent(at)}`, admin);
    expect(res.status).toBe(200);
    return res.body;
  };
  const accessAt = (offset: number) => openersAt(day(offset));
  /** Dates a user's membership changes and creation back, as if they had been made `days` ago. */
  const backdate = async (id: string, days: number) => {
    const then = new Date(now - days * DAY);
    await idp.db.models.roleMembershipChanges.collection.updateMany({ tenantId, userId: id }, { $set: { at: then } });
    await idp.db.models.users.collection.updateOne({ tenantId, _id: id as never }, { $set: { createdAt: then } });
  };
  const expected = (...names: string[]) => names.map((n) => grants[n]!.id).sort();

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    const fixture = await createTenantFixture(idp.services, 'history');
    admin = await serviceToken(idp, fixture.tenant, ['tenant_admin']);
    tenantId = fixture.tenant._id;
    tenant = fixture.tenant;
    await call('POST', '/tenants/history/doors', admin, { key: 'archive-room', name: 'Archive room' });
    await call('POST', '/tenants/history/roles', admin, { name: 'archivist' });
    userId = (await call('POST', '/tenants/history/users', admin, { email: 'hal@history.test', roles: ['archivist'] })).body.id;
    await backdate(userId, 60);
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

  it('says which roles it counted', async () => {
    const res = await call('GET', `/tenants/history/users/${userId}/door-permissions`, admin);
    expect(res.body.roles).toEqual(['archivist']);
    expect(res.body.items.map((p: { holder: { type: string; id: string } }) => p.holder)).toEqual([{ type: 'role', id: 'archivist' }]);
  });

  it("lists what someone held in the order of the grants' ids, whatever the order they were made in", async () => {
    await call('POST', '/tenants/history/doors', admin, { key: 'order-room', name: 'Order room' });
    const id = (await call('POST', '/tenants/history/users', admin, { email: 'ida@history.test' })).body.id as string;
    for (let i = 0; i < 6; i++) {
      expect((await call('POST', '/tenants/history/door-permissions', admin, { door: 'order-room', holder: { type: 'user', id } })).status).toBe(201);
    }
    const res = await call('GET', `/tenants/history/users/${id}/door-permissions`, admin);
    const ids = res.body.items.map((p: { id: string }) => p.id) as string[];
    expect(ids).toHaveLength(6);
    expect(ids).toEqual([...ids].sort());
  });

  it('answers who could open a door on a date: own grants, and role grants expanded into the role holders', async () => {
    expect(await accessAt(-40)).toMatchObject({ users: [], roles: [] });
    expect(await accessAt(-15)).toMatchObject({
      users: [
        { user_id: userId, permission_id: grants.direct!.id, via_role: null, valid_from: grants.direct!.valid_from, valid_until: grants.direct!.valid_until },
        { user_id: userId, permission_id: grants.role!.id, via_role: 'archivist', valid_from: grants.role!.valid_from, valid_until: grants.role!.valid_until },
      ],
      roles: [{ role: 'archivist', permission_id: grants.role!.id }],
    });
    expect(await accessAt(-1)).toMatchObject({
      users: [{ user_id: userId, permission_id: grants.revoked!.id, via_role: null }, { user_id: userId, via_role: 'archivist' }],
      roles: [{ role: 'archivist' }],
    });
    expect(await accessAt(1)).toMatchObject({ users: [{ user_id: userId, via_role: 'archivist' }], roles: [{ role: 'archivist' }] });
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

  describe('role membership on the date asked about, not as it is now', () => {
    const person = async (email: string, roles: string[]) => {
      const res = await call('POST', '/tenants/history/users', admin, { email, roles });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const setRoles = async (id: string, roles: string[]) => expect((await call('PATCH', `/tenants/history/users/${id}`, admin, { roles })).status).toBe(200);
    const viaRole = (access: Access) => access.users.filter((u) => u.via_role === 'archivist').map((u) => u.user_id);
    const instant = async () => {
      // Membership changes are dated to the millisecond; a pause on both sides keeps this one apart from them.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const at = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return at;
    };

    it('counts a role taken away today for a date before, and not after', async () => {
      const id = await person('leaver@history.test', ['archivist']);
      const before = await instant();
      await setRoles(id, ['visitor']);
      const after = await instant();
      expect(await heldBy(id, before)).toEqual({ roles: ['archivist'], ids: expected('role') });
      expect(await heldBy(id, after)).toEqual({ roles: ['visitor'], ids: [] });
      expect(viaRole(await openersAt(before))).toContain(id);
      expect(viaRole(await openersAt(after))).not.toContain(id);
    });

    it("records each membership change with the actor of the user's change-log entry", async () => {
      const id = await person('mover@history.test', ['archivist']);
      // Another caller for the change, so each membership change must carry its own entry's actor.
      const other = await serviceToken(idp, tenant, ['tenant_admin']);
      expect((await call('PATCH', `/tenants/history/users/${id}`, other, { roles: ['visitor'] })).status).toBe(200);
      const log = (await call('GET', `/tenants/history/change-log?subject=${id}`, admin)).body.items as { action: string; actor: string }[];
      expect(log.map((e) => e.action)).toEqual(['user.updated', 'user.created']);
      const changes = await idp.db.models.roleMembershipChanges.find({ tenantId, userId: id }).lean();
      expect(changes.map((c) => [c.change, c.role, c.by]).sort()).toEqual([
        ['added', 'archivist', log[1]!.actor],
        ['added', 'visitor', log[0]!.actor],
        ['removed', 'archivist', log[0]!.actor],
      ]);
      expect(log[0]!.actor).not.toBe(log[1]!.actor);
    });

    it('does not count a role given today for a date before', async () => {
      const id = await person('joiner@history.test', []);
      const before = await instant();
      await setRoles(id, ['archivist']);
      const after = await instant();
      expect(await heldBy(id, before)).toEqual({ roles: [], ids: [] });
      expect(await heldBy(id, after)).toEqual({ roles: ['archivist'], ids: expected('role') });
      expect(viaRole(await openersAt(before))).not.toContain(id);
      expect(viaRole(await openersAt(after))).toContain(id);
    });

    it('keeps an erased holder among those who could open the door before the erasure, by id only', async () => {
      const id = await person('erased@history.test', ['archivist']);
      const before = await instant();
      expect((await call('DELETE', `/tenants/history/users/${id}`, admin)).status).toBe(204);
      const after = await instant();
      expect(viaRole(await openersAt(before))).toContain(id);
      expect(viaRole(await openersAt(after))).not.toContain(id);
      // A restore from a backup older than the erasure brings back the membership without its removal: the
      // tombstone still ends it.
      await idp.db.models.roleMembershipChanges.collection.deleteMany({ tenantId, userId: id, change: 'removed' });
      expect(viaRole(await openersAt(after))).not.toContain(id);
      expect(viaRole(await openersAt(before))).toContain(id);
    });

    it('ends the memberships of an anonymized user at the anonymization', async () => {
      const id = await person('inactive@history.test', ['archivist']);
      const before = await instant();
      await runWithContext({ actor: { type: 'job', id: 'inactivity-anonymizer' } }, () => idp.services.users.anonymize(fixtureTenant(), id));
      const after = await instant();
      expect(viaRole(await openersAt(before))).toContain(id);
      expect(viaRole(await openersAt(after))).not.toContain(id);
      expect((await heldBy(id, after)).roles).toEqual([]);
    });

    it('counts a role of a user from before this record began from their creation on, until a recorded removal', async () => {
      const id = await person('veteran@history.test', ['archivist']);
      await backdate(id, 60);
      await idp.db.models.roleMembershipChanges.collection.deleteMany({ tenantId, userId: id });
      expect((await heldBy(id, day(-15))).roles).toEqual(['archivist']);
      expect((await heldBy(id, day(-90))).roles).toEqual([]);
      await setRoles(id, []);
      const after = await instant();
      expect((await heldBy(id, day(-15))).roles).toEqual(['archivist']);
      expect((await heldBy(id, after)).roles).toEqual([]);
      expect(viaRole(await accessAt(-15))).toContain(id);
    });
  });
});
