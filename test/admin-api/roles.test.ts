import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';

describe('admin API: roles', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];

  beforeAll(async () => {
    ({ idp, a, b, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  describe('authorization matrix', () => {
    it.each([
      ['operator', 403],
      ['adminA', 201],
      ['managerA', 403],
      ['auditorA', 403],
      ['adminB', 404],
      ['anonymous', 401],
    ] as [string, number][])('create role as %s answers %i', async (who, status) => {
      const res = await call('POST', '/tenants/tenant-a/roles', tokens[who], { name: `cleaner_${who.toLowerCase()}` });
      expect(res.status).toBe(status);
      if (status >= 400) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it.each([
      ['operator', 403],
      ['adminA', 200],
      ['managerA', 200],
      ['auditorA', 403],
      ['adminB', 404],
      ['anonymous', 401],
    ] as [string, number][])('read roles as %s answers %i', async (who, status) => {
      expect((await call('GET', '/tenants/tenant-a/roles', tokens[who])).status).toBe(status);
      expect((await call('GET', '/tenants/tenant-a/roles/team_lead', tokens[who])).status).toBe(status);
    });

    it('deletes only as a tenant admin', async () => {
      await call('POST', '/tenants/tenant-a/roles', tokens.adminA, { name: 'matrix_delete' });
      for (const who of ['operator', 'managerA', 'auditorA']) {
        expect((await call('DELETE', '/tenants/tenant-a/roles/matrix_delete', tokens[who])).status).toBe(403);
      }
      expect((await call('DELETE', '/tenants/tenant-a/roles/matrix_delete', tokens.adminB)).status).toBe(404);
      expect((await call('DELETE', '/tenants/tenant-a/roles/matrix_delete', tokens.adminA)).status).toBe(204);
    });

    it("answers 404 for tenant A's role asked through tenant B", async () => {
      await call('POST', '/tenants/tenant-a/roles', tokens.adminA, { name: 'only_in_a' });
      expect((await call('GET', '/tenants/tenant-b/roles/only_in_a', tokens.adminB)).status).toBe(404);
      expect((await call('DELETE', '/tenants/tenant-b/roles/only_in_a', tokens.adminB)).status).toBe(404);
      expect((await call('GET', '/tenants/tenant-a/roles/only_in_a', tokens.adminA)).status).toBe(200);
    });
  });

  it('creates, reads, lists, describes and deletes a role', async () => {
    const created = await call('POST', '/tenants/tenant-a/roles', tokens.adminA, { name: 'facility:night-shift', description: 'Works nights' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'facility:night-shift', description: 'Works nights' });

    const names = (await call('GET', '/tenants/tenant-a/roles', tokens.managerA)).body.items.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(['facility:night-shift', 'team_lead']));

    const described = await call('PATCH', '/tenants/tenant-a/roles/facility:night-shift', tokens.adminA, { description: 'Night shift' });
    expect(described.body).toMatchObject({ name: 'facility:night-shift', description: 'Night shift' });
    const cleared = await call('PATCH', '/tenants/tenant-a/roles/facility:night-shift', tokens.adminA, { description: null });
    expect(cleared.body.description).toBeNull();

    expect((await call('DELETE', '/tenants/tenant-a/roles/facility:night-shift', tokens.adminA)).status).toBe(204);
    expect((await call('GET', '/tenants/tenant-a/roles/facility:night-shift', tokens.adminA)).status).toBe(404);
  });

  it('refuses a second role with the same name with 409', async () => {
    expect((await call('POST', '/tenants/tenant-a/roles', tokens.adminA, { name: 'team_lead' })).status).toBe(409);
  });

  it('still lets a user hold a role nobody defined', async () => {
    const res = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'free-role@tenant-a.test', roles: ['not_defined_anywhere'] });
    expect(res.status).toBe(201);
    expect((await call('GET', '/tenants/tenant-a/roles/not_defined_anywhere', tokens.adminA)).status).toBe(404);
  });

  it('refuses to delete a role users hold; once nobody holds it, deletes it and revokes its open grants', async () => {
    const roleGrants = (query: string) => call('GET', `/tenants/tenant-b/door-permissions?holder_type=role&holder_id=team_lead${query}`, tokens.adminB);
    expect((await roleGrants('')).body.items).toHaveLength(1);

    const refused = await call('DELETE', '/tenants/tenant-b/roles/team_lead', tokens.adminB);
    expect(refused.status).toBe(409);
    expect((await call('GET', '/tenants/tenant-b/roles/team_lead', tokens.adminB)).status).toBe(200);

    await call('PATCH', `/tenants/tenant-b/users/${b.user.id}`, tokens.adminB, { roles: ['employee'] });
    expect((await call('DELETE', '/tenants/tenant-b/roles/team_lead', tokens.adminB)).status).toBe(204);

    expect((await roleGrants('')).body.items).toEqual([]);
    const history = (await roleGrants('&include_revoked=true')).body.items;
    expect(history).toHaveLength(1);
    expect(history[0].revoked_by).toMatch(/^service:cli_.+@tenant-b$/);
  });

  describe('bad input names the field', () => {
    it.each([
      [{ name: 'Has Spaces' }, 'body.name'],
      [{ name: '9lives' }, 'body.name'],
      [{ name: `r${'x'.repeat(64)}` }, 'body.name'],
      [{}, 'body.name'],
      [{ name: 'ok_name', description: '' }, 'body.description'],
      [{ name: 'ok_name', description: 'd'.repeat(501) }, 'body.description'],
      [{ name: 'ok_name', members: [] }, 'body'],
    ])('create %j -> 400 naming %s', async (body, field) => {
      const res = await call('POST', '/tenants/tenant-a/roles', tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it.each([
      [{}, 'body.description'],
      [{ description: 7 }, 'body.description'],
      [{ description: 'x', name: 'renamed' }, 'body'],
    ])('update %j -> 400 naming %s', async (body, field) => {
      const res = await call('PATCH', '/tenants/tenant-a/roles/team_lead', tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('names a bad role name in the path', async () => {
      const res = await call('GET', '/tenants/tenant-a/roles/Team%20Lead', tokens.adminA);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('params.role');
    });
  });
});
