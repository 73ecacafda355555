import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { type TestIdp } from '../support/test-idp.js';

/**
 * The admin roles open the admin API itself, so handing them out is a tenant admin's decision alone: a user
 * manager who could give them would raise themselves (or anyone) to tenant admin or auditor.
 */
describe('admin API: who may give the admin roles', () => {
  let idp: TestIdp;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let n = 0;
  const email = (who: string) => `${who}-${++n}@tenant-a.test`;

  const createUser = async (token: string | undefined, roles: string[]) => call('POST', '/tenants/tenant-a/users', token, { email: email('person'), roles });
  const userAs = async (roles: string[]) => {
    const res = await createUser(tokens.adminA, roles);
    expect(res.status).toBe(201);
    return res.body as { id: string; email: string; roles: string[] };
  };
  const expectForbidden = (res: { status: number; body: any; headers: Headers }) => {
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toBe('urn:doorway:problem:forbidden');
  };

  beforeAll(async () => {
    ({ idp, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  describe.each(['tenant_admin', 'user_manager', 'auditor'])('%s', (role) => {
    it('a user_manager may not create a user holding it, and nothing is created', async () => {
      const address = email('raised');
      expectForbidden(await call('POST', '/tenants/tenant-a/users', tokens.managerA, { email: address, roles: ['employee', role] }));
      expect((await call('GET', `/tenants/tenant-a/users?email=${address}`, tokens.adminA)).body.items).toEqual([]);
    });

    it('a user_manager may not give it to an existing user, nor take it away', async () => {
      const plain = await userAs(['employee']);
      expectForbidden(await call('PATCH', `/tenants/tenant-a/users/${plain.id}`, tokens.managerA, { roles: ['employee', role] }));
      const holder = await userAs([role]);
      expectForbidden(await call('PATCH', `/tenants/tenant-a/users/${holder.id}`, tokens.managerA, { roles: [] }));
      expect((await call('GET', `/tenants/tenant-a/users/${plain.id}`, tokens.adminA)).body.roles).toEqual(['employee']);
      expect((await call('GET', `/tenants/tenant-a/users/${holder.id}`, tokens.adminA)).body.roles).toEqual([role]);
      const log = await call('GET', `/tenants/tenant-a/change-log?subject=${plain.id}&action=user.updated`, tokens.auditorA);
      expect(log.body.items).toEqual([]);
    });

    it('a user_manager may not offer it in an invitation', async () => {
      expectForbidden(await call('POST', '/tenants/tenant-a/invitations', tokens.managerA, { email: email('invitee'), roles: [role] }));
    });

    it('a tenant_admin may give it, in a user and in an invitation, and take it away', async () => {
      const holder = await userAs([role]);
      expect((await call('PATCH', `/tenants/tenant-a/users/${holder.id}`, tokens.adminA, { roles: ['employee'] })).body.roles).toEqual(['employee']);
      expect((await call('POST', '/tenants/tenant-a/invitations', tokens.adminA, { email: email('invitee'), roles: [role] })).status).toBe(202);
    });
  });

  it('refuses a user_manager any change of an admin, even of roles that are not admin roles', async () => {
    const admin = await userAs(['tenant_admin']);
    expectForbidden(await call('PATCH', `/tenants/tenant-a/users/${admin.id}`, tokens.managerA, { roles: ['tenant_admin', 'employee'] }));
    expectForbidden(await call('PATCH', `/tenants/tenant-a/users/${admin.id}`, tokens.managerA, { name: 'Renamed' }));
    const kept = (await call('GET', `/tenants/tenant-a/users/${admin.id}`, tokens.adminA)).body;
    expect([kept.roles, kept.name]).toEqual([['tenant_admin'], undefined]);
  });

  it('lets a user_manager give roles that are not admin roles', async () => {
    expect((await createUser(tokens.managerA, ['employee', 'visitor'])).status).toBe(201);
  });

  it("refuses a user_manager the takeover of an admin's account: their email or a temporary password", async () => {
    const admin = await userAs(['auditor']);
    expectForbidden(await call('PATCH', `/tenants/tenant-a/users/${admin.id}`, tokens.managerA, { email: 'mine@tenant-a.test' }));
    expectForbidden(await call('POST', `/tenants/tenant-a/users/${admin.id}/temporary-password`, tokens.managerA, { password: 'Quiet-Lantern-Harbour-41' }));
    expect((await call('GET', `/tenants/tenant-a/users/${admin.id}`, tokens.adminA)).body.email).toBe(admin.email);
    expect((await call('PATCH', `/tenants/tenant-a/users/${admin.id}`, tokens.adminA, { email: email('moved') })).status).toBe(200);
  });

  describe.each(['tenant_admin', 'user_manager', 'auditor'])('a user holding %s', (role) => {
    // The body is given in every row: jest would take a missing last argument for a `done` callback.
    const actions: [string, string, string, unknown][] = [
      ['deletes', 'DELETE', '', undefined],
      ['locks', 'POST', '/lock', undefined],
      ['restricts', 'POST', '/restrict', undefined],
      ['signs out', 'POST', '/sessions/revoke', undefined],
      ['resets the second factors of', 'DELETE', '/mfa', undefined],
      ['sets a temporary password for', 'POST', '/temporary-password', { password: 'Quiet-Lantern-Harbour-41' }],
    ];

    it.each(actions)('a user_manager never %s them, and they stay as they were', async (_what, method, path, body) => {
      const admin = await userAs([role]);
      expectForbidden(await call(method, `/tenants/tenant-a/users/${admin.id}${path}`, tokens.managerA, body));
      expect((await call('GET', `/tenants/tenant-a/users/${admin.id}`, tokens.adminA)).body).toMatchObject({ status: 'active', roles: [role] });
    });

    it('a user_manager neither unlocks nor unrestricts them; a tenant_admin does', async () => {
      const admin = await userAs([role]);
      expect((await call('POST', `/tenants/tenant-a/users/${admin.id}/lock`, tokens.adminA)).status).toBe(200);
      expectForbidden(await call('POST', `/tenants/tenant-a/users/${admin.id}/unlock`, tokens.managerA));
      expect((await call('POST', `/tenants/tenant-a/users/${admin.id}/restrict`, tokens.adminA)).status).toBe(200);
      expectForbidden(await call('POST', `/tenants/tenant-a/users/${admin.id}/unrestrict`, tokens.managerA));
      expect((await call('GET', `/tenants/tenant-a/users/${admin.id}`, tokens.managerA)).body.status).toBe('restricted');
      expect((await call('POST', `/tenants/tenant-a/users/${admin.id}/unrestrict`, tokens.adminA)).body.status).toBe('active');
    });
  });

  it('lets a user_manager act on people without an admin role', async () => {
    const plain = await userAs(['employee']);
    expect((await call('POST', `/tenants/tenant-a/users/${plain.id}/lock`, tokens.managerA)).body.status).toBe('locked');
    expect((await call('POST', `/tenants/tenant-a/users/${plain.id}/unlock`, tokens.managerA)).body.status).toBe('active');
    expect((await call('DELETE', `/tenants/tenant-a/users/${plain.id}`, tokens.managerA)).status).toBe(204);
  });

  it('reads the same for a user_manager: admins are listed and shown', async () => {
    const admin = await userAs(['tenant_admin']);
    expect((await call('GET', `/tenants/tenant-a/users/${admin.id}`, tokens.managerA)).status).toBe(200);
    expect((await call('GET', `/tenants/tenant-a/users/${admin.id}/sessions`, tokens.managerA)).status).toBe(200);
  });

  describe('GDPR warnings', () => {
    it.each([
      ['auditor', /change log/],
      ['tenant_admin', /full access to the personal data/],
    ])('warns when a user is given %s, on create, update and invitation', async (role, text) => {
      const created = await createUser(tokens.adminA, [role]);
      expect(created.body.warnings).toEqual([expect.stringMatching(text)]);
      expect(created.body.warnings[0]).toMatch(/this user/);
      const plain = await userAs(['employee']);
      const given = await call('PATCH', `/tenants/tenant-a/users/${plain.id}`, tokens.adminA, { roles: ['employee', role] });
      expect(given.body.warnings).toEqual([expect.stringMatching(text)]);
      const invited = await call('POST', '/tenants/tenant-a/invitations', tokens.adminA, { email: email('invitee'), roles: [role] });
      expect(invited.body.warnings).toEqual([expect.stringMatching(text)]);
    });

    it('warns only about what the answer gives: not for a role already held, nor for other roles', async () => {
      const auditor = await userAs(['auditor']);
      const renamed = await call('PATCH', `/tenants/tenant-a/users/${auditor.id}`, tokens.adminA, { name: 'Ann Auditor', roles: ['auditor', 'employee'] });
      expect(renamed.status).toBe(200);
      expect(renamed.body.warnings).toBeUndefined();
      expect((await createUser(tokens.adminA, ['user_manager', 'employee'])).body.warnings).toBeUndefined();
    });
  });
});
