import { adminAudience } from '../../src/admin-api/admin-api.js';
import { createMigrationRunner } from '../../src/migrations/migrations.js';
import { resourceId } from '../../src/tenants/resource-server.service.js';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { RESOURCE } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';

describe('admin API: resource servers', () => {
  let idp: TestIdp;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  const base = '/tenants/tenant-a/resource-servers';
  const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);
  const lockApi = (extra: Record<string, unknown> = {}) => ({ identifier: 'https://locks.tenant-a.test/api', name: 'Lock API', scopes: ['locks:open', 'locks:status'], access_token_ttl: 900, claims: ['door_permissions'], ...extra });

  beforeAll(async () => {
    ({ idp, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  it.each([
    ['operator', 403],
    ['adminA', 200],
    ['managerA', 403],
    ['auditorA', 403],
    ['adminB', 404],
    ['anonymous', 401],
  ])('list as %s answers %i', async (who, status) => {
    expect((await call('GET', base, tokens[who])).status).toBe(status);
  });

  it('creates, reads, lists, updates and deletes a resource server', async () => {
    const created = await call('POST', base, tokens.adminA, lockApi());
    expect(created.status).toBe(201);
    const id = resourceId('https://locks.tenant-a.test/api');
    expect(created.body).toEqual({ id, ...lockApi() });

    expect((await call('GET', `${base}/${id}`, tokens.adminA)).body).toEqual(created.body);
    const listed = await call('GET', base, tokens.adminA);
    expect(listed.body.items.map((r: { identifier: string }) => r.identifier)).toEqual([RESOURCE, 'https://locks.tenant-a.test/api']);
    // The fixture's resource predates the choice of claims: it carries both, as it always did.
    expect(listed.body.items[0]).toMatchObject({ id: resourceId(RESOURCE), name: RESOURCE, claims: ['roles', 'door_permissions'] });

    const updated = await call('PATCH', `${base}/${id}`, tokens.adminA, { access_token_ttl: 120, claims: ['roles'], name: 'Locks' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...created.body, access_token_ttl: 120, claims: ['roles'], name: 'Locks' });
    expect((await idp.services.tenants.getBySlug('tenant-a')).settings.resources.find((r) => r.indicator === 'https://locks.tenant-a.test/api')).toMatchObject({ accessTokenTtl: 120 });

    expect((await call('DELETE', `${base}/${id}`, tokens.adminA)).status).toBe(204);
    expect((await call('GET', `${base}/${id}`, tokens.adminA)).status).toBe(404);
    expect((await call('DELETE', `${base}/${id}`, tokens.adminA)).status).toBe(404);
  });

  it('bumps the configVersion on each change, so every process rebuilds its provider', async () => {
    const before = (await idp.services.tenants.configVersion('tenant-a'))!;
    const created = await call('POST', base, tokens.adminA, lockApi({ identifier: 'urn:tenant-a:garage' }));
    expect(created.status).toBe(201);
    expect(await idp.services.tenants.configVersion('tenant-a')).toBe(before + 1);
    await call('DELETE', `${base}/${created.body.id}`, tokens.adminA);
    expect(await idp.services.tenants.configVersion('tenant-a')).toBe(before + 2);
  });

  it('serves resources an old tenant document listed once migration 0002 moved them into the collection, once', async () => {
    const tenantB = await idp.services.tenants.getBySlug('tenant-b');
    const legacy = { indicator: 'urn:tenant-b:legacy', scopes: ['old:scope'], accessTokenTtl: 700 };
    await idp.db.models.tenants.collection.updateOne({ _id: tenantB._id as never }, { $set: { 'settings.resources': [legacy] } });
    expect(await createMigrationRunner(idp.db).up()).toContain('0002-resource-servers-to-collection');
    const listed = await call('GET', '/tenants/tenant-b/resource-servers', tokens.adminB);
    expect(listed.body.items).toContainEqual({ id: resourceId(legacy.indicator), identifier: legacy.indicator, name: legacy.indicator, scopes: ['old:scope'], access_token_ttl: 700, claims: ['roles', 'door_permissions'] });
    const stored = await idp.db.models.tenants.collection.findOne({ _id: tenantB._id as never });
    expect(stored?.settings.resources).toBeUndefined();
    expect((await call('GET', '/tenants/tenant-b/resource-servers', tokens.adminB)).body.items.filter((r: { identifier: string }) => r.identifier === legacy.indicator)).toHaveLength(1);
  });

  it('refuses a second resource with the same identifier with 409, also when the two arrive at once', async () => {
    const results = await Promise.all([1, 2, 3].map(() => call('POST', base, tokens.adminA, lockApi({ identifier: 'urn:tenant-a:doors' }))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(results.find((r) => r.status === 409)!.body.type).toBe('urn:doorway:problem:conflict');
    const listed = await call('GET', base, tokens.adminA);
    expect(listed.body.items.filter((r: { identifier: string }) => r.identifier === 'urn:tenant-a:doors')).toHaveLength(1);
  });

  it('keeps tenants apart: the same identifier is free in another tenant, and invisible from it', async () => {
    const inB = await call('POST', '/tenants/tenant-b/resource-servers', tokens.adminB, lockApi({ identifier: 'urn:tenant-a:doors' }));
    expect(inB.status).toBe(201);
    const id = resourceId('urn:tenant-a:doors');
    expect((await call('GET', `${base}/${id}`, tokens.adminB)).status).toBe(404);
  });

  describe('bad input names the field', () => {
    it.each([
      [{ identifier: 'locks' }, 'body.identifier'],
      [{ identifier: 'https://locks.test/api#part' }, 'body.identifier'],
      [{ identifier: 'http://locks.test/api' }, 'body.identifier'],
      [{ identifier: 'urn:' }, 'body.identifier'],
      [{ name: '' }, 'body.name'],
      [{ scopes: ['has space'] }, 'body.scopes.0'],
      [{ scopes: ['openid'] }, 'body.scopes.0'],
      [{ scopes: ['a', 'a'] }, 'body.scopes'],
      [{ access_token_ttl: 59 }, 'body.access_token_ttl'],
      [{ access_token_ttl: 86_401 }, 'body.access_token_ttl'],
      [{ access_token_ttl: 1.5 }, 'body.access_token_ttl'],
      [{ claims: ['email'] }, 'body.claims.0'],
      [{ audience: 'x' }, 'body'],
    ])('create with %j -> 400 naming %s', async (extra, field) => {
      const res = await call('POST', base, tokens.adminA, lockApi({ identifier: 'urn:tenant-a:bad', ...extra }));
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      expect(fields(res)).toContain(field);
    });

    it('refuses the admin API audience as an identifier', async () => {
      const res = await call('POST', base, tokens.adminA, lockApi({ identifier: adminAudience(idp.baseUrl) }));
      expect(res.status).toBe(400);
      expect(res.body.errors).toContainEqual({ field: 'body.identifier', message: 'the admin API audience is reserved' });
    });

    it.each([
      [{}, 'body'],
      [{ identifier: 'urn:tenant-a:other' }, 'body'],
      [{ access_token_ttl: 10 }, 'body.access_token_ttl'],
    ])('update with %j -> 400 naming %s', async (body, field) => {
      const res = await call('PATCH', `${base}/${resourceId(RESOURCE)}`, tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(fields(res)).toContain(field);
    });

    it('answers a malformed id with 400 and an unknown one with 404', async () => {
      expect((await call('GET', `${base}/not-an-id`, tokens.adminA)).status).toBe(400);
      expect((await call('GET', `${base}/${resourceId('urn:nobody:here')}`, tokens.adminA)).status).toBe(404);
    });
  });
});
