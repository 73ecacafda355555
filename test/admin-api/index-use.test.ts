import { createTenantFixture } from '../support/fixtures.js';
import { setUpAdminWorld, type AdminWorld } from '../support/admin.js';
import { queriesSent, scanningQueries, sortingQueries, unorderedSorts, type SentQuery } from '../support/query-plan.js';

/**
 * An admin request's cost must not grow with the number of tenants on the platform, nor with the size of
 * other tenants' data: every lookup it sends is one the database answers through an index. Asked of the
 * server's own query plans (see query-plan.ts), so it holds on the local database and on MongoDB alike.
 */
describe("the admin API's everyday requests", () => {
  let world: AdminWorld;

  beforeAll(async () => {
    world = await setUpAdminWorld();
    // Other tenants, each with a client, a resource, a user and doors, as a platform has.
    for (let i = 0; i < 3; i++) await createTenantFixture(world.idp.services, `other-${i}`);
  }, 120_000);
  afterAll(() => world?.idp.close());

  async function sentBy(fn: () => Promise<unknown>): Promise<SentQuery[]> {
    return queriesSent(world.idp.db.connection.getClient(), fn);
  }

  async function expectIndexed(queries: SentQuery[]): Promise<void> {
    expect(queries.length).toBeGreaterThan(0);
    expect(await scanningQueries(world.idp.db.connection.db!, queries)).toEqual([]);
  }

  it('look up the tenant, its keys and its resources through indexes', async () => {
    const { call, tokens } = world;
    await expectIndexed(await sentBy(async () => expect((await call('GET', '/tenants/tenant-a', tokens.adminA)).status).toBe(200)));
  });

  it('create, read, change and list users through indexes', async () => {
    const { call, tokens } = world;
    const queries = await sentBy(async () => {
      const created = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'indexed@tenant-a.test', name: 'Indexed', roles: ['employee'] });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect((await call('GET', `/tenants/tenant-a/users/${id}`, tokens.managerA)).status).toBe(200);
      expect((await call('PATCH', `/tenants/tenant-a/users/${id}`, tokens.managerA, { name: 'Indexed Again', roles: ['employee', 'visitor'] })).status).toBe(200);
      expect((await call('GET', '/tenants/tenant-a/users?limit=2', tokens.managerA)).status).toBe(200);
    });
    await expectIndexed(queries);
  });

  it('grant doors and list grants through indexes', async () => {
    const { call, tokens, a } = world;
    const queries = await sentBy(async () => {
      expect((await call('POST', '/tenants/tenant-a/doors', tokens.adminA, { key: 'indexed-door', name: 'Indexed door' })).status).toBe(201);
      expect((await call('POST', '/tenants/tenant-a/door-permissions', tokens.adminA, { door: 'indexed-door', holder: { type: 'user', id: a.user.id } })).status).toBe(201);
      expect((await call('GET', `/tenants/tenant-a/users/${a.user.id}/door-permissions`, tokens.managerA)).status).toBe(200);
      expect((await call('GET', '/tenants/tenant-a/doors', tokens.managerA)).status).toBe(200);
    });
    await expectIndexed(queries);
  });

  it("read the tenant's change log through indexes", async () => {
    const { call, tokens } = world;
    await expectIndexed(await sentBy(async () => expect((await call('GET', '/tenants/tenant-a/change-log?limit=5', tokens.auditorA)).status).toBe(200)));
  });

  it('page through users, clients, locks, invitations and door grants in an order an index keeps', async () => {
    const { call, tokens } = world;
    const queries = await sentBy(async () => {
      for (const list of ['users', 'clients', 'locks', 'invitations', 'door-permissions', 'door-permissions?include_revoked=true']) {
        const path = `/tenants/tenant-a/${list}${list.includes('?') ? '&' : '?'}limit=1`;
        const page = await call('GET', path, tokens.adminA);
        expect(page.status).toBe(200);
        // The next page, where there is one, through its cursor.
        if (page.body.next_cursor) expect((await call('GET', `${path}&cursor=${page.body.next_cursor}`, tokens.adminA)).status).toBe(200);
      }
    });
    expect(queries.filter((q) => q.sort).map((q) => q.collection)).toEqual(expect.arrayContaining(['users', 'clients', 'locks', 'invitations', 'door_permissions']));
    expect(await unorderedSorts(world.idp.db.connection.db!, queries)).toEqual([]);
    // And the server walks that index to the page's end, on the local database too: a page never reads the
    // rest of the tenant's documents to sort them.
    expect(await sortingQueries(world.idp.db.connection.db!, queries)).toEqual([]);
  });
});
