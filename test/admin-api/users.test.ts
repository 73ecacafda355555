import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';

describe('admin API: users', () => {
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
    const matrix: [string, number][] = [
      ['operator', 403],
      ['adminA', 201],
      ['managerA', 201],
      ['auditorA', 403],
      ['adminB', 404],
      ['anonymous', 401],
    ];
    it.each(matrix)('create user as %s answers %i', async (who, status) => {
      const res = await call('POST', '/tenants/tenant-a/users', tokens[who], { email: `new-${who}@tenant-a.test`, name: 'New Person' });
      expect(res.status).toBe(status);
      if (status >= 400) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it.each(matrix.map(([who, status]) => [who, status === 201 ? 200 : status] as [string, number]))(
      'list users as %s answers %i',
      async (who, status) => {
        expect((await call('GET', '/tenants/tenant-a/users', tokens[who])).status).toBe(status);
      },
    );

    it("answers 404 for tenant A's user id asked through tenant B", async () => {
      const res = await call('GET', `/tenants/tenant-b/users/${a.user.id}`, tokens.adminB);
      expect(res.status).toBe(404);
    });
  });

  it('creates, reads, finds by exact email, updates and deletes a user, logging each change', async () => {
    const created = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'Bob@Tenant-A.test', name: 'Bob', roles: ['employee'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'bob@tenant-a.test', name: 'Bob', roles: ['employee'], status: 'active' });
    const id = created.body.id as string;

    const found = await call('GET', '/tenants/tenant-a/users?email=bob@tenant-a.test', tokens.managerA);
    expect(found.body.items.map((u: { id: string }) => u.id)).toEqual([id]);
    expect((await call('GET', '/tenants/tenant-a/users?email=bo@tenant-a.test', tokens.managerA)).body.items).toEqual([]);

    const updated = await call('PATCH', `/tenants/tenant-a/users/${id}`, tokens.managerA, { name: 'Robert', locale: 'sv', roles: ['employee', 'visitor'] });
    expect(updated.body).toMatchObject({ name: 'Robert', locale: 'sv', roles: ['employee', 'visitor'] });

    const log = await call('GET', `/tenants/tenant-a/change-log?subject=${id}`, tokens.auditorA);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['user.updated', 'user.created']);
    const [update] = log.body.items;
    expect(update.fields.sort()).toEqual(['locale', 'name', 'roles']);
    expect(update.actor).toMatch(/^service:cli_.+@tenant-a$/);
    expect(JSON.stringify(log.body)).not.toContain('Robert');

    expect((await call('DELETE', `/tenants/tenant-a/users/${id}`, tokens.adminA)).status).toBe(204);
    expect((await call('GET', `/tenants/tenant-a/users/${id}`, tokens.adminA)).status).toBe(404);
    const after = await call('GET', `/tenants/tenant-a/change-log?subject=${id}&action=user.deleted`, tokens.auditorA);
    expect(after.body.items).toHaveLength(1);
  });

  it('refuses a second user with the same email with 409', async () => {
    const res = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: a.user.email });
    expect(res.status).toBe(409);
  });

  it('locks and unlocks, and refuses an unlock of an active user', async () => {
    const created = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'carol@tenant-a.test' });
    const id = created.body.id;
    expect((await call('POST', `/tenants/tenant-a/users/${id}/lock`, tokens.adminA)).body.status).toBe('locked');
    expect((await call('POST', `/tenants/tenant-a/users/${id}/unlock`, tokens.adminA)).body.status).toBe('active');
    expect((await call('POST', `/tenants/tenant-a/users/${id}/unlock`, tokens.adminA)).status).toBe(409);
  });

  it('pages through users with a cursor without duplicates or gaps while users are added', async () => {
    for (let i = 0; i < 5; i++) await call('POST', '/tenants/tenant-b/users', tokens.adminB, { email: `page-${i}@tenant-b.test` });
    const seen: string[] = [];
    let cursor: string | null = null;
    const before = (await call('GET', '/tenants/tenant-b/users?limit=200', tokens.adminB)).body.items.map((u: { id: string }) => u.id);
    do {
      const res: { body: { items: { id: string }[]; next_cursor: string | null } } = await call('GET', `/tenants/tenant-b/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, tokens.adminB);
      seen.push(...res.body.items.map((u) => u.id));
      cursor = res.body.next_cursor;
      await call('POST', '/tenants/tenant-b/users', tokens.adminB, { email: `late-${seen.length}@tenant-b.test` });
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });

  it("lists the users of given ids in one request, and never another tenant's user named among them", async () => {
    const made = [];
    for (const name of ['ids-one', 'ids-two', 'ids-three']) made.push((await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: `${name}@tenant-a.test`, name })).body.id as string);
    const asked = [made[2]!, b.user.id, made[0]!].join(',');
    const res = await call('GET', `/tenants/tenant-a/users?ids=${asked}&limit=100`, tokens.adminA);
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: { name: string }) => u.name).sort()).toEqual(['ids-one', 'ids-three']);
    const fromB = await call('GET', `/tenants/tenant-b/users?ids=${asked}`, tokens.adminB);
    expect(fromB.body.items.map((u: { id: string }) => u.id)).toEqual([b.user.id]);
  });

  describe('bad input names the field', () => {
    it.each([
      [{ email: 'not-an-email' }, 'body.email'],
      [{}, 'body.email'],
      [{ email: 'x@y.test', roles: ['Has Spaces'] }, 'body.roles.0'],
      [{ email: 'x@y.test', locale: 'fr' }, 'body.locale'],
      [{ email: 'x@y.test', phone: 'call me' }, 'body.phone'],
      [{ email: 'x@y.test', name: '' }, 'body.name'],
      [{ email: 'x@y.test', surprise: true }, 'body'],
    ])('%j -> 400 naming %s', async (body, field) => {
      const res = await call('POST', '/tenants/tenant-a/users', tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers malformed JSON with 400, not 500', async () => {
      const res = await call('POST', '/tenants/tenant-a/users', tokens.adminA, '{"email": ');
      expect(res.status).toBe(400);
    });

    it('answers a malformed id or cursor with 400', async () => {
      expect((await call('GET', '/tenants/tenant-a/users/../../etc', tokens.adminA)).status).toBe(404);
      expect((await call('GET', '/tenants/tenant-a/users/not-an-id', tokens.adminA)).status).toBe(400);
      expect((await call('GET', '/tenants/tenant-a/users?limit=100000', tokens.adminA)).status).toBe(400);
    });

    it.each([
      { what: 'a malformed id', ids: 'not-an-id' },
      { what: 'more than 100 ids', ids: Array.from({ length: 101 }, (_, i) => `usr_${String(i).padStart(10, '0')}`).join(',') },
      { what: 'an empty item', ids: 'usr_0000000001,,usr_0000000002' },
    ])('answers ids with $what with 400 naming query.ids', async ({ ids }) => {
      const res = await call('GET', `/tenants/tenant-a/users?ids=${ids}`, tokens.adminA);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('query.ids');
    });
  });
});
