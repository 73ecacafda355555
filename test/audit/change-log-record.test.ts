import { UNCONFIRMED_AFTER_MS } from '../../src/audit/change-log-pending.js';
import { ChangeLogService } from '../../src/audit/change-log.service.js';
import { ValidationError } from '../../src/errors/http-errors.js';
import { alice, as, newTenant, openChangeLog, userUpdated, type ChangeLogHarness } from './change-log-harness.js';

/** No change without its entry: the entry is written first, and a change that fails is logged as failed. */
describe('recording a change', () => {
  let h: ChangeLogHarness;
  const stored = (tenantId: string) => h.db.models.changeLog.collection.find({ tenantId }).sort({ seq: 1 }).toArray();
  /** A change that counts its runs, to prove whether it ran. */
  const countingChange = () => {
    const change = { runs: 0, apply: async () => ((change.runs += 1), 'changed') };
    return change;
  };

  beforeAll(async () => {
    h = await openChangeLog();
  });
  afterAll(async () => {
    await h.close();
  });

  it('writes the entry before the change runs, and returns what the change returns', async () => {
    const tenantId = newTenant();
    const result = await as(alice, () =>
      h.log.record(tenantId, userUpdated(), async () => ({ entriesSeenByChange: (await stored(tenantId)).length })),
    );
    expect(result).toEqual({ entriesSeenByChange: 1 });
  });

  it('does not run the change when its entry is refused', async () => {
    const tenantId = newTenant();
    const change = countingChange();
    const input = userUpdated('usr_bob', ['givenName', 'new value: Anna']);
    await expect(as(alice, () => h.log.record(tenantId, input, change.apply))).rejects.toThrow(ValidationError);
    expect(change.runs).toBe(0);
    expect(await stored(tenantId)).toHaveLength(0);
  });

  it('does not run the change when the log cannot be written because its database is gone', async () => {
    const tenantId = newTenant();
    const other = await h.openInstance();
    // Without buffering an operation on a closed connection fails at once instead of waiting for a reconnect.
    other.db.connection.set('bufferCommands', false);
    await other.db.close();
    const change = countingChange();
    const failure = await as(alice, () => other.log.record(tenantId, userUpdated(), change.apply)).catch((e: Error) => e);
    expect(failure).toMatchObject({ name: 'MongoNotConnectedError' });
    expect(change.runs).toBe(0);
    expect(await stored(tenantId)).toHaveLength(0);
  });

  it('answers a change that throws with a .failed entry for the same subject and fields, and rethrows', async () => {
    const tenantId = newTenant();
    const boom = new Error('write conflict');
    await expect(as(alice, () => h.log.record(tenantId, userUpdated('usr_bob', ['phone']), () => Promise.reject(boom)))).rejects.toBe(boom);
    const docs = await stored(tenantId);
    expect(docs.map((d) => [d.seq, d.action, d.subjectId, d.fields])).toEqual([
      [1, 'user.updated', 'usr_bob', ['phone']],
      [2, 'user.updated.failed', 'usr_bob', ['phone']],
    ]);
    expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 2 });
  });

  it('rethrows the change\'s own error when the .failed entry cannot be written either, and reports that', async () => {
    const tenantId = newTenant();
    const other = await h.openInstance();
    other.db.connection.set('bufferCommands', false);
    const reports: string[] = [];
    const logger = { error: (_obj: object, msg: string) => void reports.push(msg), warn: () => undefined };
    const log = new ChangeLogService(other.db.models, { logger });
    const boom = new Error('lost the database mid-change');
    const change = async () => {
      await other.db.close();
      throw boom;
    };
    await expect(as(alice, () => log.record(tenantId, userUpdated(), change))).rejects.toBe(boom);
    expect(reports).toEqual(['change log: .failed entry not written']);
    expect((await stored(tenantId)).map((d) => d.action)).toEqual(['user.updated']);
  });

  it('reports a change whose outcome no process learnt as .unconfirmed, once no change could still be running', async () => {
    const tenantId = newTenant();
    const crashed = await h.openInstance();
    // A process that wrote the entry and stopped before its change finished: nobody ever learns the outcome.
    void as(alice, () => crashed.log.record(tenantId, userUpdated('usr_carol', ['name']), () => new Promise<never>(() => undefined)));
    for (let waited = 0; (await stored(tenantId)).length === 0; waited += 50) {
      if (waited > 10_000) throw new Error('the entry was never written');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const started = h.clock.now;
    try {
      // Too young: the change may still be running in that process.
      await h.log.settle();
      expect((await stored(tenantId)).map((d) => d.action)).toEqual(['user.updated']);

      h.clock.now = new Date(started.getTime() + UNCONFIRMED_AFTER_MS + 1000);
      expect((await h.log.settle()).unconfirmed).toBeGreaterThanOrEqual(1);
      const docs = await stored(tenantId);
      expect(docs.map((d) => [d.action, d.refersTo, d.actor, d.fields])).toEqual([
        ['user.updated', undefined, 'user:usr_alice@acme', ['name']],
        ['user.updated.unconfirmed', docs[0]!._id, 'user:usr_alice@acme', ['name']],
      ]);
      expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 2 });
    } finally {
      h.clock.now = started;
    }
  });
});
