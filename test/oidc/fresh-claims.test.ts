import { setTimeout as sleep } from 'node:timers/promises';
import type * as client from 'openid-client';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTwoTestIdps, type TestIdp } from '../support/test-idp.js';

const ALL = 'openid profile email roles doors offline_access';

/**
 * Door permissions in userinfo and in a refresh's ID token are read at each call, in whichever process answers:
 * a grant revoked, a role's door taken away or a window ended in one process is gone from the very next answer
 * of every process, however long that process keeps doors, clients and tenants (TENANT_REFRESH_MS, a minute here).
 * A token's grant, read along with the token where the process has seen the token before, is as fresh.
 */
describe('fresh claims across two processes', () => {
  let one: TestIdp;
  let two: TestIdp;
  let fixture: TenantFixture;
  let config: client.Configuration;

  beforeAll(async () => {
    [one, two] = await startTwoTestIdps({ TENANT_REFRESH_MS: '60000' });
    fixture = await createTenantFixture(one.services, 'fresh-claims');
    config = await discoverClient(one.baseUrl, fixture);
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  /** An endpoint of the discovery document, at the process `idp` (both serve one public address). */
  const at = (idp: TestIdp, endpoint: string) => endpoint.replace(one.baseUrl, idp.baseUrl);

  /** The door ids of a userinfo answer at `idp`, or its error. */
  async function userinfoDoors(idp: TestIdp, accessToken: string): Promise<string[] | { status: number; error: string | null }> {
    const res = await fetch(at(idp, config.serverMetadata().userinfo_endpoint!), { headers: { authorization: `Bearer ${accessToken}` } });
    if (!res.ok) return { status: res.status, error: res.headers.get('www-authenticate')?.match(/error="([^"]+)"/)?.[1] ?? null };
    const body = (await res.json()) as { door_permissions: { door_id: string }[] };
    return body.door_permissions.map((p) => p.door_id);
  }

  /** A refresh at `idp`: the door ids of its ID token, and the refresh token that replaces the one used. */
  async function refreshDoors(idp: TestIdp, refreshToken: string): Promise<{ doors: string[]; refreshToken: string }> {
    const res = await fetch(at(idp, config.serverMetadata().token_endpoint!), {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${fixture.clientId}:${fixture.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id_token: string; refresh_token: string };
    const claims = JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString('utf8')) as { door_permissions: { door_id: string }[] };
    return { doors: claims.door_permissions.map((p) => p.door_id), refreshToken: body.refresh_token };
  }

  /**
   * Signed in at one; both processes have then answered a userinfo call and a refresh with `door` among the
   * claims, so each has seen the tokens it is asked about next (and reads their grant along with them).
   */
  async function seenByBoth(door: string) {
    const { tokens } = await signIn(config, { email: fixture.user.email!, scope: ALL });
    expect(await userinfoDoors(one, tokens.access_token)).toContain(door);
    expect(await userinfoDoors(two, tokens.access_token)).toContain(door);
    const atTwo = await refreshDoors(two, tokens.refresh_token!);
    expect(atTwo.doors).toContain(door);
    const atOne = await refreshDoors(one, atTwo.refreshToken);
    expect(atOne.doors).toContain(door);
    return { accessToken: tokens.access_token, refreshToken: atOne.refreshToken };
  }

  /** The next userinfo at both processes and the next refreshes at one, then at two, lack `door`. */
  async function goneEverywhere(door: string, tokens: { accessToken: string; refreshToken: string }) {
    expect(await userinfoDoors(two, tokens.accessToken)).not.toContain(door);
    expect(await userinfoDoors(one, tokens.accessToken)).not.toContain(door);
    const atOne = await refreshDoors(one, tokens.refreshToken);
    expect(atOne.doors).not.toContain(door);
    expect((await refreshDoors(two, atOne.refreshToken)).doors).not.toContain(door);
  }

  async function grantedDoor(key: string, window: { validUntil?: Date } = {}) {
    const door = await asSetup(() => one.services.doors.create(fixture.tenant._id, { key, name: `Door ${key}` }));
    return asSetup(() => one.services.doorPermissions.grant(fixture.tenant._id, { doorId: door._id, holderType: 'user', holderId: fixture.user.id, ...window }));
  }

  it('a door permission revoked in one process is gone from the next userinfo and refresh of both', async () => {
    const grant = await grantedDoor('revoked-now');
    const tokens = await seenByBoth('revoked-now');
    await asSetup(() => one.services.doorPermissions.revoke(fixture.tenant._id, grant._id));
    await goneEverywhere('revoked-now', tokens);
    expect(await userinfoDoors(two, tokens.accessToken)).toContain('main-entrance');
  });

  it("a role's door taken away in one process is gone from the next userinfo and refresh of both", async () => {
    const tokens = await seenByBoth('lab');
    const { items } = await one.services.doorPermissions.list(fixture.tenant._id, { holderType: 'role', holderId: 'team_lead', limit: 10 });
    const lab = items.find((p) => p.doorKey === 'lab')!;
    await asSetup(() => one.services.doorPermissions.revoke(fixture.tenant._id, lab._id));
    await goneEverywhere('lab', tokens);
  });

  it('a door permission whose window has ended is gone from the next userinfo and refresh of both', async () => {
    const validUntil = new Date(Date.now() + 3000);
    await grantedDoor('ends-soon', { validUntil });
    const tokens = await seenByBoth('ends-soon');
    await sleep(validUntil.getTime() - Date.now() + 50);
    await goneEverywhere('ends-soon', tokens);
  });

  it('a grant removed from the database is not answered from the read that found its token', async () => {
    const { accessToken } = await seenByBoth('main-entrance');
    const entries = one.db.connection.collection('oidc_entries');
    const token = await entries.findOne({ tenantId: fixture.tenant._id, kind: 'AccessToken', id: accessToken });
    expect(token?.grantId).toEqual(expect.any(String));
    expect((await entries.deleteOne({ tenantId: fixture.tenant._id, kind: 'Grant', id: token!.grantId })).deletedCount).toBe(1);
    expect(await userinfoDoors(two, accessToken)).toEqual({ status: 401, error: 'invalid_token' });
    expect(await userinfoDoors(one, accessToken)).toEqual({ status: 401, error: 'invalid_token' });
  });
});
