import { exportJWK, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { countCommands, type CommandCount } from '../support/db-commands.js';
import { queriesSent, scanningQueries } from '../support/query-plan.js';
import { asSetup, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { type TestIdp } from '../support/test-idp.js';
import { accessCall, SimulatedLock } from './simulated-lock.js';

/** Matches a count no larger than `limit`; a failure prints every command by name. */
function atMost(limit: number) {
  return { asymmetricMatch: (n: unknown) => typeof n === 'number' && n <= limit, toAsymmetricMatcher: () => `at most ${limit}` };
}

/**
 * What one access decision costs the database, counted on the app's own connection, for each way a lock
 * names the subject. Budgets, not measurements (bench/ measures time): a change that reads or writes more fails here.
 */
describe('database commands per access decision', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let issuerA: string;
  let lockToken: string;
  let userToken: string;
  let deviceId: string;

  const decide = (subject: Record<string, string>, door = 'lab') => accessCall(issuerA, '/decisions', lockToken, { door, subject });
  const count = <T>(fn: () => Promise<T>) => countCommands(idp.db.connection, fn);
  const within = (commands: CommandCount, limit: number) => expect(commands).toEqual({ total: atMost(limit), byName: commands.byName });

  beforeAll(async () => {
    // Counted decisions do not cross a tenant re-check, which would add its read.
    ({ idp, a, call, tokens } = await setUpAdminWorld({ env: { TENANT_REFRESH_MS: '60000' } }));
    issuerA = `${idp.baseUrl}/t/tenant-a`;
    const lock = await SimulatedLock.create();
    const registered = await call('POST', '/tenants/tenant-a/locks', tokens.adminA, { name: 'Lab lock', doors: ['main-entrance', 'lab'], jwk: lock.publicJwk });
    lock.clientId = registered.body.client_id;
    lockToken = await lock.token(issuerA, 'access:decide access:events');
    const config = await discoverClient(idp.baseUrl, a);
    const { tokens: signedIn } = await signIn(config, { email: a.user.email!, resource: RESOURCE, scope: 'openid doors offline_access locks:open' });
    userToken = (await client.refreshTokenGrant(config, signedIn.refresh_token!, { resource: RESOURCE })).access_token;
    const { publicKey } = await generateKeyPair('ES256');
    const device = await asSetup(async () => idp.services.devices.register(a.tenant._id, a.user.id, { label: 'Phone', jwk: { ...(await exportJWK(publicKey)) } }));
    deviceId = device._id;
    // The tenant's runtime is built and its doors and lock read once, as on a busy server.
    expect((await decide({ user_id: a.user.id })).body).toMatchObject({ decision: 'granted' });
  });
  afterAll(() => idp.close());

  // The lock, the door, the user, the door's grants, the memberships of the roles granted it; the access event
  // and its change-log entry about the user (pending marker, chain head, entry, marker removed).
  it('a decision by user id takes at most 10', async () => {
    const { result, commands } = await count(() => decide({ user_id: a.user.id }));
    expect(result.body).toMatchObject({ decision: 'granted', subject: a.user.id, permission: { via_role: 'team_lead' } });
    within(commands, 10);
  });

  it('a decision about a door granted to no role takes one less: no membership is read', async () => {
    const { result, commands } = await count(() => decide({ user_id: a.user.id }, 'main-entrance'));
    expect(result.body).toMatchObject({ decision: 'granted', subject: a.user.id, permission: { via_role: null } });
    expect(commands.byName['find role_membership_changes']).toBeUndefined();
    within(commands, 9);
  });

  it('a decision by access token takes at most 10 (the token is verified, not looked up)', async () => {
    const { result, commands } = await count(() => decide({ access_token: userToken }));
    expect(result.body).toMatchObject({ decision: 'granted', subject: a.user.id });
    within(commands, 10);
  });

  it('a decision by device takes at most 11: the device is read for its user and its revocation', async () => {
    const { result, commands } = await count(() => decide({ device_id: deviceId }));
    expect(result.body).toMatchObject({ decision: 'granted', subject: a.user.id });
    within(commands, 11);
  });

  // The lock, its doors, the people named, which ids are stored already (one _id $in), the people's change-log
  // entries (the chain's tail and one write for all of them), the events.
  it('an upload of 100 events about 10 people takes at most 7, not some per event or per person', async () => {
    const people = [a.user.id];
    for (let i = 0; i < 9; i++) people.push((await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: `walker-${i}@tenant-a.test`, name: `Walker ${i}` })).body.id);
    const time = new Date(Date.now() - 3_600_000).toISOString();
    const events = Array.from({ length: 100 }, (_, i) => ({ id: `walk-${i}`, door: 'lab', subject: { user_id: people[i % 10] }, time, result: 'opened', method: 'card' }));
    const { result, commands } = await count(() => accessCall(issuerA, '/events', lockToken, { events }));
    expect(result.body).toEqual({ accepted: 100, duplicate: 0, rejected: 0, errors: [] });
    within(commands, 7);
    // One entry per person for the upload (the decisions above wrote theirs, without counts).
    const entries = await idp.db.models.changeLog.find({ tenantId: a.tenant._id, action: 'access_event.recorded', 'counts.access_events': { $exists: true } }).lean();
    expect(entries.map((e) => [e.subjectId, e.counts]).sort()).toEqual(people.map((id) => [id, { access_events: 10 }]).sort());
  });

  it('every lookup of a decision, each way the subject is named, and of an event upload goes through an index', async () => {
    const time = new Date(Date.now() - 60_000).toISOString();
    const queries = await queriesSent(idp.db.connection.getClient(), async () => {
      for (const subject of [{ user_id: a.user.id }, { access_token: userToken }, { device_id: deviceId }] as Record<string, string>[]) expect((await decide(subject)).status).toBe(200);
      const events = [{ id: 'indexed-1', door: 'lab', subject: { user_id: a.user.id }, time, result: 'opened', method: 'card' }];
      expect((await accessCall(issuerA, '/events', lockToken, { events })).body).toMatchObject({ accepted: 1 });
    });
    expect(queries.map((q) => q.collection)).toEqual(expect.arrayContaining(['locks', 'users', 'door_permissions', 'devices', 'access_events']));
    expect(await scanningQueries(idp.db.connection.db!, queries)).toEqual([]);
  });
});
