import { randomBytes } from 'node:crypto';
import { MasterKey } from '../../src/crypto/master-key.js';
import { LoginLockout, MAX_FAILED_LOGINS } from '../../src/security/login-lockout.js';
import { RateLimitStore } from '../../src/security/rate-limit.store.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';
import { countAllowed } from '../support/limits.js';
import { queriesSent, scanningQueries } from '../support/query-plan.js';

/** Each "process" is a LoginLockout of its own over one shared counter collection, as two app instances are. */
describe("an account's sign-in checks", () => {
  let db: OpenTestDatabase;
  let store: RateLimitStore;
  const tenantId = 'ten_lockout';

  beforeAll(async () => {
    db = await openTestDatabase({ monitorCommands: true });
    store = new RateLimitStore(db.connection.db!, db.capabilities, new MasterKey(randomBytes(32)));
  });
  afterAll(() => db.drop());

  const account = () => `acct-${randomBytes(4).toString('hex')}`;
  /** Reserves up to `count` checks one after another and counts those allowed. */
  const reserve = (process: LoginLockout, key: string, count: number, maxFailedLogins: number) =>
    countAllowed(count, () => process.reserveCheck(tenantId, key, maxFailedLogins));

  it('are all given back by a clear in a process that never saw the N they were taken at, up to the largest N a tenant may set', async () => {
    const key = account();
    const [taker, clearer, later] = [new LoginLockout(store), new LoginLockout(store), new LoginLockout(store)];
    expect(await reserve(taker, key, MAX_FAILED_LOGINS + 1, MAX_FAILED_LOGINS)).toBe(MAX_FAILED_LOGINS);
    await clearer.clear(tenantId, key);
    expect(await reserve(later, key, MAX_FAILED_LOGINS + 1, MAX_FAILED_LOGINS)).toBe(MAX_FAILED_LOGINS);
  });

  it('start counting failures afresh after a clear', async () => {
    const key = account();
    const lockout = new LoginLockout(store);
    for (let i = 0; i < 3; i++) await lockout.recordFailure(tenantId, key);
    await lockout.clear(tenantId, key);
    expect((await lockout.recordFailure(tenantId, key)).failures).toBe(1);
  });

  it("are cleared by a lookup of the account's counters, not a search through every account's", async () => {
    const key = account();
    const lockout = new LoginLockout(store);
    await reserve(lockout, key, 2, 5);
    const queries = await queriesSent(db.connection.getClient(), () => lockout.clear(tenantId, key));
    expect(queries.map((q) => `${q.command} ${q.collection}`)).toEqual(['delete rate_limits']);
    expect(await scanningQueries(db.connection.db!, queries)).toEqual([]);
  });
});
