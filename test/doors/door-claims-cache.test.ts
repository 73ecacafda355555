import { setTimeout as sleep } from 'node:timers/promises';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTwoTestIdps, type TestIdp } from '../support/test-idp.js';

const REFRESH_MS = 1000;

/**
 * The doors named in tokens' claims are kept for TENANT_REFRESH_MS. The bound: a rename or an archive shows at
 * once in the process that made it, and in every other process once that time has passed. Grants are never
 * kept past a change of them: a revoked grant leaves the claims of every process at once (kept-grants.test.ts).
 */
describe('doors in claims, kept by two processes', () => {
  let one: TestIdp;
  let two: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    [one, two] = await startTwoTestIdps({ TENANT_REFRESH_MS: String(REFRESH_MS) });
    fixture = await createTenantFixture(one.services, 'kept-doors');
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  /** The claims a token issued now by `idp` would carry, as `door id: door name`. */
  const claimsAt = async (idp: TestIdp) =>
    (await idp.services.doorPermissions.claimsFor(fixture.tenant._id, fixture.user)).map((c) => `${c.door_id}: ${c.door_name}`);

  /** A door of the test's own, granted to the fixture's user, in both processes' claims (and so kept by both). */
  async function grantedDoor(key: string) {
    const door = await asSetup(() => one.services.doors.create(fixture.tenant._id, { key, name: `Door ${key}` }));
    const grant = await asSetup(() => one.services.doorPermissions.grant(fixture.tenant._id, { doorId: door._id, holderType: 'user', holderId: fixture.user.id }));
    expect(await claimsAt(one)).toContain(`${key}: Door ${key}`);
    expect(await claimsAt(two)).toContain(`${key}: Door ${key}`);
    return grant;
  }

  it('an archived door leaves the claims at once where it was archived, and everywhere within TENANT_REFRESH_MS', async () => {
    await grantedDoor('archived-soon');
    await asSetup(() => one.services.doors.archive(fixture.tenant._id, 'archived-soon'));
    expect(await claimsAt(one)).not.toContain('archived-soon: Door archived-soon');

    await sleep(REFRESH_MS + 50);
    expect(await claimsAt(two)).not.toContain('archived-soon: Door archived-soon');
    expect(await claimsAt(two)).toContain('main-entrance: Main entrance');
  });

  it('a renamed door shows its new name at once where it was renamed, and everywhere within TENANT_REFRESH_MS', async () => {
    await grantedDoor('renamed-soon');
    await asSetup(() => one.services.doors.rename(fixture.tenant._id, 'renamed-soon', 'Back office'));
    expect(await claimsAt(one)).toContain('renamed-soon: Back office');

    await sleep(REFRESH_MS + 50);
    expect(await claimsAt(two)).toContain('renamed-soon: Back office');
  });

  it('a revoked grant leaves the claims of every process at once: grants are read every time', async () => {
    const grant = await grantedDoor('revoked-now');
    await asSetup(() => one.services.doorPermissions.revoke(fixture.tenant._id, grant._id));
    expect(await claimsAt(one)).not.toContain('revoked-now: Door revoked-now');
    expect(await claimsAt(two)).not.toContain('revoked-now: Door revoked-now');
  });
});
