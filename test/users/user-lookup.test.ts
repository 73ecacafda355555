import { type AdminWorld, setUpAdminWorld } from '../support/admin.js';

/** A user read by id (every refresh and userinfo call does it) is read in its own tenant, by a string only. */
describe('reading a user by id', () => {
  let world: AdminWorld;

  beforeAll(async () => {
    world = await setUpAdminWorld();
  });
  afterAll(() => world?.idp.close());

  it("finds the user in its own tenant and not in another's", async () => {
    const { idp, a, b } = world;
    expect(await idp.services.users.findById(a.tenant, a.user.id)).toMatchObject({ id: a.user.id, email: a.user.email });
    expect(await idp.services.users.findById(b.tenant, a.user.id)).toBeNull();
  });

  it('finds nobody for an id that is not a string, an operator object above all, which would match anyone', async () => {
    const { idp, a } = world;
    for (const id of [{ $ne: null }, { $gt: '' }, ['x'], 42]) expect(await idp.services.users.findById(a.tenant, id as unknown as string)).toBeNull();
  });
});
