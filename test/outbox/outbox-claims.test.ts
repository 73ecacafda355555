import { SingleUse } from '../../src/account/single-use.js';
import { OutboxClaims, type ClaimableJob } from '../../src/outbox/outbox-claims.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';
import { queriesSent, scanningQueries } from '../support/query-plan.js';

type Job = ClaimableJob & { tenantId: string };

describe('claiming outbox jobs', () => {
  let db: OpenTestDatabase;
  const minutes = (n: number) => new Date(Date.now() + n * 60_000);

  beforeAll(async () => {
    db = await openTestDatabase({ monitorCommands: true });
  });
  afterAll(() => db.drop());

  it('hands out due jobs and those whose worker died, in the order they fell due, and none not yet due or under a live lease', async () => {
    const jobs = db.connection.db!.collection<Job>('mail_outbox');
    const job = (_id: string, fields: Partial<Job>): Job => ({ _id, tenantId: 'ten_outbox', state: 'queued', attempts: 0, nextAttemptAt: minutes(-1), updatedAt: minutes(-1), ...fields });
    await jobs.insertMany([
      // What a busy outbox mostly holds: mail sent long ago, kept (without its message) for the record.
      ...Array.from({ length: 50 }, (_, i) => job(`sent-${i}`, { state: 'sent', attempts: 1, nextAttemptAt: minutes(-100 - i) })),
      job('due-later', { nextAttemptAt: minutes(-1) }),
      job('due-first', { nextAttemptAt: minutes(-2) }),
      job('not-yet', { nextAttemptAt: minutes(5) }),
      job('dead-worker', { state: 'sending', attempts: 1, nextAttemptAt: minutes(-3), lockedBy: 'gone', lockedUntil: minutes(-1) }),
      job('live-lease', { state: 'sending', attempts: 1, nextAttemptAt: minutes(-4), lockedBy: 'busy', lockedUntil: minutes(5) }),
    ]);
    const claims = new OutboxClaims(jobs, SingleUse.on(db.connection), 'worker-1', 60_000);

    const claimed: string[] = [];
    const queries = await queriesSent(db.connection.getClient(), async () => {
      for (let next = await claims.next(new Set()); next; next = await claims.next(new Set())) claimed.push(next._id);
    });
    expect(claimed).toEqual(['dead-worker', 'due-first', 'due-later']);
    expect(await jobs.findOne({ _id: 'dead-worker' })).toMatchObject({ state: 'sending', lockedBy: 'worker-1', attempts: 2 });
    // Each poll finds the due jobs through the {state, nextAttemptAt} index, not by reading every job ever sent.
    expect(queries.filter((q) => q.collection === 'mail_outbox').length).toBeGreaterThan(0);
    expect(await scanningQueries(db.connection.db!, queries)).toEqual([]);
  });

  it("keeps each attempt's key a day, and sweeps older ones through an index", async () => {
    const once = SingleUse.on(db.connection);
    const keys = db.connection.db!.collection<{ _id: string; at: Date }>('single_use_keys');
    await keys.insertMany([
      { _id: 'mail:old#1', at: new Date(Date.now() - 25 * 3_600_000) },
      { _id: 'mail:recent#1', at: new Date(Date.now() - 23 * 3_600_000) },
    ]);
    const queries = await queriesSent(db.connection.getClient(), () => once.sweep());
    expect((await keys.find({ _id: { $in: ['mail:old#1', 'mail:recent#1'] } }).toArray()).map((k) => k._id)).toEqual(['mail:recent#1']);
    expect(queries.map((q) => `${q.command} ${q.collection}`)).toEqual(['delete single_use_keys']);
    expect(await scanningQueries(db.connection.db!, queries)).toEqual([]);
  });
});
