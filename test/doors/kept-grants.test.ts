import { DoorPermissionHistory } from '../../src/doors/door-permission-history.js';
import { RoleMembershipHistory } from '../../src/roles/role-membership-history.js';
import { countCommands } from '../support/db-commands.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTwoTestIdps, type TestIdp } from '../support/test-idp.js';

/**
 * A token's door claims read the user, then the grants of the user and of their roles. Each process keeps those
 * grants under the user's `doorGrantsStamp`, which every change of them changes, whichever process made it: the
 * next token's read of the user finds a new stamp (or other roles) and reads the grants again. So the claims of
 * every process follow a change at once, and unchanged grants cost no read.
 */
describe('door grants kept for claims, under the user stamp, by two processes', () => {
  let one: TestIdp;
  let two: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    [one, two] = await startTwoTestIdps({ TENANT_REFRESH_MS: '60000' });
    fixture = await createTenantFixture(one.services, 'kept-grants');
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  /** The door keys of a token `idp` would issue now, read as its token requests read them, and the grant reads sent. */
  async function tokenClaimsAt(idp: TestIdp): Promise<{ doors: string[]; grantReads: number }> {
    const { result, commands } = await countCommands(idp.db.connection, async () => {
      const user = (await idp.services.users.findById(fixture.tenant, fixture.user.id))!;
      return idp.services.doorPermissions.claimsFor(fixture.tenant._id, user, new Date(), user);
    });
    return { doors: result.map((c) => c.door_id), grantReads: commands.byName['find door_permissions'] ?? 0 };
  }

  /** A door of the test's own, granted to the fixture's user. */
  async function grantedDoor(key: string) {
    const door = await asSetup(() => one.services.doors.create(fixture.tenant._id, { key, name: `Door ${key}` }));
    return asSetup(() => one.services.doorPermissions.grant(fixture.tenant._id, { doorId: door._id, holderType: 'user', holderId: fixture.user.id }));
  }

  it('reads unchanged grants once per process, and again in each process after a change made in either', async () => {
    await tokenClaimsAt(two);
    expect(await tokenClaimsAt(two)).toEqual({ doors: expect.arrayContaining(['main-entrance']), grantReads: 0 });

    await grantedDoor('granted-in-one');
    expect(await tokenClaimsAt(two)).toEqual({ doors: expect.arrayContaining(['granted-in-one']), grantReads: 1 });
    expect(await tokenClaimsAt(one)).toEqual({ doors: expect.arrayContaining(['granted-in-one']), grantReads: 1 });
    expect((await tokenClaimsAt(two)).grantReads).toBe(0);
  });

  it("follows a role taken from the user or given back at once: the grants are kept for the roles they were read for", async () => {
    await asSetup(() => one.services.users.update(fixture.tenant, fixture.user.id, { roles: ['employee', 'team_lead'] }));
    expect((await tokenClaimsAt(two)).doors).toContain('lab');

    await asSetup(() => one.services.users.update(fixture.tenant, fixture.user.id, { roles: ['employee'] }));
    expect((await tokenClaimsAt(two)).doors).not.toContain('lab');

    await asSetup(() => one.services.users.update(fixture.tenant, fixture.user.id, { roles: ['employee', 'team_lead'] }));
    expect((await tokenClaimsAt(two)).doors).toContain('lab');
  });

  it('completes a revocation whose stamp was never written when it is tried again, which is refused as done', async () => {
    const grant = await grantedDoor('half-revoked');
    expect((await tokenClaimsAt(two)).doors).toContain('half-revoked');

    // The revocation's first write without its second, as when a process stops between the two.
    await one.db.models.doorPermissions.updateOne({ tenantId: fixture.tenant._id, _id: grant._id }, { $set: { revokedAt: new Date(), revokedBy: 'test' } });
    expect((await tokenClaimsAt(two)).doors).toContain('half-revoked');

    await expect(asSetup(() => one.services.doorPermissions.revoke(fixture.tenant._id, grant._id))).rejects.toMatchObject({ status: 409, message: 'The door permission is already revoked' });
    expect((await tokenClaimsAt(two)).doors).not.toContain('half-revoked');
  });

  it('keeps at most as many grants as its bound, the least recently used going first, and never a user above it', async () => {
    const { models } = one.db;
    const history = new DoorPermissionHistory(models.doorPermissions, models.doors, new RoleMembershipHistory(models.roleMembershipChanges, models.users, models.deletedSubjects), { users: 10, grants: 3 });
    const door = await one.services.doors.getByKey(fixture.tenant._id, 'main-entrance');
    /** A user of their own with `count` grants of the door; each kept costs its grants and one. */
    const holder = async (name: string, count: number) => {
      const user = await asSetup(() => one.services.users.create(fixture.tenant, { email: `${name}@kept-grants.test`, name }));
      for (let i = 0; i < count; i++) await asSetup(() => one.services.doorPermissions.grant(fixture.tenant._id, { doorId: door._id, holderType: 'user', holderId: user.id }));
      return (await one.services.users.findById(fixture.tenant, user.id))!;
    };
    const grantReads = async (user: Awaited<ReturnType<typeof holder>>) => {
      const { commands } = await countCommands(one.db.connection, () => history.heldAt(fixture.tenant._id, user, new Date(), { rolesReadAt: true, doorGrantsStamp: user.doorGrantsStamp }));
      return commands.byName['find door_permissions'] ?? 0;
    };
    const [first, second, large] = [await holder('first', 1), await holder('second', 1), await holder('large', 3)];

    expect([await grantReads(first), await grantReads(first)]).toEqual([1, 0]);
    expect([await grantReads(second), await grantReads(second)]).toEqual([1, 0]);
    expect(await grantReads(first)).toBe(1);
    expect([await grantReads(large), await grantReads(large)]).toEqual([1, 1]);
  });

  it("changes the stamp of every holder of a role its grant is given to, however many, a page at a time", async () => {
    await asSetup(() => one.services.roles.create(fixture.tenant._id, { name: 'crowd' }));
    const now = new Date();
    const crowd = Array.from({ length: 1001 }, (_, i) => ({ _id: `usr_crowd_${String(i).padStart(4, '0')}`, tenantId: fixture.tenant._id, roles: ['crowd'], status: 'active', doorGrantsStamp: 'before', createdAt: now, updatedAt: now }));
    await one.db.models.users.collection.insertMany(crowd as never[]);
    const door = await one.services.doors.getByKey(fixture.tenant._id, 'main-entrance');

    await asSetup(() => one.services.doorPermissions.grant(fixture.tenant._id, { doorId: door._id, holderType: 'role', holderId: 'crowd' }));
    const stamps = await one.db.models.users.distinct('doorGrantsStamp', { tenantId: fixture.tenant._id, roles: 'crowd' });
    expect(stamps).toEqual([expect.stringMatching(/^dgs_/)]);
  });

  it('reads the grants of a user without a stamp (whose grants last changed before stamps) every time', async () => {
    await one.db.models.users.updateOne({ tenantId: fixture.tenant._id, _id: fixture.user.id }, { $unset: { doorGrantsStamp: '' } }, { timestamps: false });
    expect((await tokenClaimsAt(two)).grantReads).toBe(1);
    expect(await tokenClaimsAt(two)).toEqual({ doors: expect.arrayContaining(['main-entrance']), grantReads: 1 });
  });
});
