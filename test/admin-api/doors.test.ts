import { type AdminCall, type AdminWorld, serviceToken, setUpAdminWorld } from '../support/admin.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { type TestIdp } from '../support/test-idp.js';

describe('admin API: doors', () => {
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
    ] as [string, number][])('create door as %s answers %i', async (who, status) => {
      const res = await call('POST', '/tenants/tenant-a/doors', tokens[who], { key: `door-${who.toLowerCase()}`, name: 'Side door' });
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
    ] as [string, number][])('read a door as %s answers %i', async (who, status) => {
      expect((await call('GET', '/tenants/tenant-a/doors', tokens[who])).status).toBe(status);
      expect((await call('GET', '/tenants/tenant-a/doors/main-entrance', tokens[who])).status).toBe(status);
    });

    it('archives only as a tenant admin', async () => {
      await call('POST', '/tenants/tenant-a/doors', tokens.adminA, { key: 'matrix-archive', name: 'Matrix' });
      for (const who of ['operator', 'managerA', 'auditorA']) {
        expect((await call('POST', '/tenants/tenant-a/doors/matrix-archive/archive', tokens[who])).status).toBe(403);
      }
      expect((await call('POST', '/tenants/tenant-a/doors/matrix-archive/archive', tokens.adminB)).status).toBe(404);
      expect((await call('POST', '/tenants/tenant-a/doors/matrix-archive/archive', tokens.adminA)).status).toBe(200);
    });

    it("answers 404 for tenant A's door asked through tenant B", async () => {
      await call('POST', '/tenants/tenant-a/doors', tokens.adminA, { key: 'only-in-a', name: 'Only in A' });
      expect((await call('GET', '/tenants/tenant-b/doors/only-in-a', tokens.adminB)).status).toBe(404);
      expect((await call('PATCH', '/tenants/tenant-b/doors/only-in-a', tokens.adminB, { name: 'Taken over' })).status).toBe(404);
      expect((await call('GET', '/tenants/tenant-a/doors/only-in-a', tokens.adminA)).body.name).toBe('Only in A');
    });
  });

  it('creates, reads, renames under the same key and archives a door', async () => {
    const created = await call('POST', '/tenants/tenant-a/doors', tokens.adminA, { key: 'bike-shed', name: 'Bike shed' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'bike-shed', name: 'Bike shed', archived_at: null });

    const renamed = await call('PATCH', '/tenants/tenant-a/doors/bike-shed', tokens.adminA, { name: 'Bicycle room' });
    expect(renamed.body).toMatchObject({ key: 'bike-shed', name: 'Bicycle room' });
    expect((await call('GET', '/tenants/tenant-a/doors/bike-shed', tokens.managerA)).body.name).toBe('Bicycle room');

    const archived = await call('POST', '/tenants/tenant-a/doors/bike-shed/archive', tokens.adminA);
    expect(archived.status).toBe(200);
    expect(Date.parse(archived.body.archived_at)).not.toBeNaN();
    expect((await call('POST', '/tenants/tenant-a/doors/bike-shed/archive', tokens.adminA)).status).toBe(409);

    const keys = async (query: string) => (await call('GET', `/tenants/tenant-a/doors${query}`, tokens.adminA)).body.items.map((d: { key: string }) => d.key);
    expect(await keys('')).not.toContain('bike-shed');
    expect(await keys('?include_archived=true')).toContain('bike-shed');
  });

  it('refuses a second door with the same key with 409', async () => {
    expect((await call('POST', '/tenants/tenant-a/doors', tokens.adminA, { key: 'main-entrance', name: 'Again' })).status).toBe(409);
  });

  it('pages through doors with a cursor without duplicates or gaps', async () => {
    for (let i = 0; i < 5; i++) await call('POST', '/tenants/tenant-b/doors', tokens.adminB, { key: `floor-${i}`, name: `Floor ${i}` });
    const all = (await call('GET', '/tenants/tenant-b/doors?limit=200', tokens.adminB)).body.items.map((d: { key: string }) => d.key);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { key: string }[]; next_cursor: string | null } } = await call('GET', `/tenants/tenant-b/doors?limit=2${cursor ? `&cursor=${cursor}` : ''}`, tokens.adminB);
      seen.push(...res.body.items.map((d) => d.key));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThan(2);
  });

  it('drops an archived door from a freshly issued ID token', async () => {
    const c = await createTenantFixture(idp.services, 'tenant-c');
    const adminC = await serviceToken(idp, c.tenant, ['tenant_admin']);
    const config = await discoverClient(idp.baseUrl, c);
    const doorIds = async () => {
      const { tokens: issued } = await signIn(config, { email: c.user.email! });
      return (issued.claims()?.door_permissions as { door_id: string }[]).map((d) => d.door_id);
    };
    expect(await doorIds()).toEqual(['lab', 'main-entrance']);
    expect((await call('POST', '/tenants/tenant-c/doors/lab/archive', adminC)).status).toBe(200);
    expect(await doorIds()).toEqual(['main-entrance']);
  });

  describe('bad input names the field', () => {
    it.each([
      [{ key: 'Main Entrance', name: 'Main' }, 'body.key'],
      [{ key: '-leading-dash', name: 'Main' }, 'body.key'],
      [{ key: 'x'.repeat(65), name: 'Main' }, 'body.key'],
      [{ name: 'Main' }, 'body.key'],
      [{ key: 'side', name: '' }, 'body.name'],
      [{ key: 'side' }, 'body.name'],
      [{ key: 'side', name: 'Side', archived_at: '2020-01-01T00:00:00Z' }, 'body'],
    ])('create %j -> 400 naming %s', async (body, field) => {
      const res = await call('POST', '/tenants/tenant-a/doors', tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it.each([
      [{ name: '   ' }, 'body.name'],
      [{}, 'body.name'],
      [{ name: 'Renamed', key: 'new-key' }, 'body'],
    ])('rename %j -> 400 naming %s', async (body, field) => {
      const res = await call('PATCH', '/tenants/tenant-a/doors/main-entrance', tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('names a bad key in the path or a bad flag in the query', async () => {
      const path = await call('GET', '/tenants/tenant-a/doors/Not_A_Key', tokens.adminA);
      expect(path.body.errors.map((e: { field: string }) => e.field)).toContain('params.doorKey');
      const query = await call('GET', '/tenants/tenant-a/doors?include_archived=perhaps', tokens.adminA);
      expect(query.body.errors.map((e: { field: string }) => e.field)).toContain('query.include_archived');
    });
  });
});
