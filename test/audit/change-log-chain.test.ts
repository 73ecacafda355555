import { jest } from '@jest/globals';
import { ChangeLogBrokenError } from '../../src/audit/change-log.errors.js';
import { alice, appendMany, as, newTenant, openChangeLog, userUpdated, type ChangeLogHarness } from './change-log-harness.js';

describe('change log hash chain', () => {
  let h: ChangeLogHarness;
  /** Through the driver, past the model: what an intruder with database access could do. */
  const raw = () => h.db.models.changeLog.collection;
  const seqs = async (tenantId: string) => (await raw().find({ tenantId }).sort({ seq: 1 }).toArray()).map((d) => d.seq);

  beforeAll(async () => {
    h = await openChangeLog();
  });
  afterAll(async () => {
    await h.close();
  });

  it('verifies after 50 appends', async () => {
    const tenantId = newTenant();
    expect(await appendMany(h.log, tenantId, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 50 });
  });

  it('verifies an empty chain', async () => {
    expect(await h.log.verify(newTenant())).toEqual({ ok: true, checked: 0 });
  });

  it('names exactly the entry whose fields were altered', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 30);
    const target = await raw().findOne({ tenantId, seq: 17 });
    await raw().updateOne({ tenantId, seq: 17 }, { $set: { fields: ['locale'] } });
    expect(await h.log.verify(tenantId)).toEqual({
      ok: false,
      checked: 16,
      firstBroken: { seq: 17, id: target!._id, reason: 'hash-mismatch' },
    });
  });

  it('names an entry whose link to its predecessor was rewritten', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 10);
    await raw().updateOne({ tenantId, seq: 4 }, { $set: { prevHash: '0'.repeat(64) } });
    expect((await h.log.verify(tenantId)).firstBroken).toMatchObject({ seq: 4, reason: 'prev-hash-mismatch' });
  });

  it('names an entry deleted in the middle as a gap, at the entry that follows it', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 10);
    await raw().deleteOne({ tenantId, seq: 5 });
    const after = await raw().findOne({ tenantId, seq: 6 });
    expect(await h.log.verify(tenantId)).toEqual({ ok: false, checked: 4, firstBroken: { seq: 6, id: after!._id, reason: 'gap' } });
  });

  it('refuses a second entry with the same seq, which is what keeps the chain linear', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 1);
    const copy = { ...(await raw().findOne({ tenantId, seq: 1 }))!, _id: 'chg_copy' };
    await expect(raw().insertOne(copy as never)).rejects.toMatchObject({ code: 11000 });
  });

  it('stays one gapless chain when two processes append at the same time', async () => {
    const tenantId = newTenant();
    const [first, second] = [await h.openInstance(), await h.openInstance()];
    const one = { type: 'service', id: 'cli_one' } as const;
    const two = { type: 'service', id: 'cli_two' } as const;
    const burst = (log: typeof first.log, actor: typeof one | typeof two) =>
      Array.from({ length: 30 }, (_, i) => as(actor, () => log.append(tenantId, userUpdated(`usr_${i}`))));
    const entries = await Promise.all([...burst(first.log, one), ...burst(second.log, two)]);

    expect(await seqs(tenantId)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.seq)).size).toBe(60);
    expect(entries.filter((e) => e.actor === 'service:cli_two')).toHaveLength(30);
    expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 60 });
  });

  it('chains a batch of entries in order in one write, each after the one before', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 2);
    const batch = await as(alice, () => h.log.appendMany(tenantId, ['usr_a', 'usr_b', 'usr_c'].map((id) => userUpdated(id))));
    expect(batch.map((e) => [e.seq, e.subjectId])).toEqual([[3, 'usr_a'], [4, 'usr_b'], [5, 'usr_c']]);
    await appendMany(h.log, tenantId, 1);
    expect(await seqs(tenantId)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 6 });
  });

  it('stays one gapless chain when two processes append batches and single entries at the same time', async () => {
    const tenantId = newTenant();
    const [first, second] = [await h.openInstance(), await h.openInstance()];
    const batches = (log: typeof first.log) =>
      Array.from({ length: 8 }, (_, i) => as(alice, () => log.appendMany(tenantId, [userUpdated(`usr_${i}a`), userUpdated(`usr_${i}b`), userUpdated(`usr_${i}c`)])));
    const singles = (log: typeof first.log) => Array.from({ length: 8 }, (_, i) => as(alice, () => log.append(tenantId, userUpdated(`usr_${i}`))));
    const written = (await Promise.all([...batches(first.log), ...singles(first.log), ...batches(second.log), ...singles(second.log)])).flat();

    expect(await seqs(tenantId)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    expect(new Set(written.map((e) => e.seq)).size).toBe(64);
    expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 64 });
  });

  it('writes appends that arrive while one is on its way together, in the order they came, each with its own actor', async () => {
    const tenantId = newTenant();
    const inserts = jest.spyOn(h.db.models.changeLog, 'insertMany');
    try {
      const actors = Array.from({ length: 20 }, (_, i) => ({ type: 'user', id: `usr_${i}`, tenant: 'acme' }) as const);
      const entries = await Promise.all(actors.map((actor, i) => as(actor, () => h.log.append(tenantId, userUpdated(`usr_subject_${i}`)))));
      expect(entries.map((e) => [e.seq, e.actor, e.subjectId])).toEqual(actors.map((a, i) => [i + 1, `user:${a.id}@acme`, `usr_subject_${i}`]));
      // The first alone, the nineteen that came while it was written in one more.
      expect(inserts).toHaveBeenCalledTimes(2);
    } finally {
      inserts.mockRestore();
    }
    expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 20 });
  });

  it('links the next entry to the stored tail, not to the one it wrote last, once the log was restored to an earlier point', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 5);
    // A restore of the log as it was after entry 3, under the running process.
    await raw().deleteMany({ tenantId, seq: { $gt: 3 } });
    expect((await as(alice, () => h.log.append(tenantId, userUpdated()))).seq).toBe(4);
    expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 4 });
  });

  describe('retention', () => {
    const day = (iso: string) => new Date(`${iso}T12:00:00.000Z`);
    async function appendOn(tenantId: string, isoDays: string[]): Promise<void> {
      for (const iso of isoDays) {
        h.clock.now = day(iso);
        await as(alice, () => h.log.append(tenantId, userUpdated()));
      }
    }

    it('removes only entries older than the cut-off, and the chain still verifies from its anchor', async () => {
      const tenantId = newTenant();
      await appendOn(tenantId, ['2023-01-01', '2023-02-01', '2023-03-01', '2024-06-01', '2024-07-01']);
      expect(await h.log.prune(tenantId, day('2024-01-01'))).toBe(3);
      expect(await seqs(tenantId)).toEqual([4, 5]);
      expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 2 });

      await appendOn(tenantId, ['2024-08-01']);
      expect(await seqs(tenantId)).toEqual([4, 5, 6]);
      expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 3 });
    });

    it('cuts at the first entry inside the period, even when an older timestamp follows it', async () => {
      const tenantId = newTenant();
      await appendOn(tenantId, ['2023-01-01', '2024-06-01', '2023-12-31', '2024-07-01']);
      expect(await h.log.prune(tenantId, day('2024-01-01'))).toBe(1);
      expect(await seqs(tenantId)).toEqual([2, 3, 4]);
    });

    it('keeps the newest entry even when all are past the period, so the next append still links', async () => {
      const tenantId = newTenant();
      await appendOn(tenantId, ['2022-01-01', '2022-02-01', '2022-03-01']);
      expect(await h.log.prune(tenantId, day('2024-01-01'))).toBe(2);
      expect(await seqs(tenantId)).toEqual([3]);
      await appendOn(tenantId, ['2024-02-01']);
      expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 2 });
    });

    it('prunes again from the earlier anchor', async () => {
      const tenantId = newTenant();
      await appendOn(tenantId, ['2022-01-01', '2022-06-01', '2023-01-01', '2023-06-01', '2024-01-01']);
      expect(await h.log.prune(tenantId, day('2022-03-01'))).toBe(1);
      expect(await h.log.prune(tenantId, day('2023-03-01'))).toBe(2);
      expect(await seqs(tenantId)).toEqual([4, 5]);
      expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 2 });
    });

    it('refuses to delete a prefix that does not verify, and deletes nothing', async () => {
      const tenantId = newTenant();
      await appendOn(tenantId, ['2023-01-01', '2023-02-01', '2023-03-01', '2024-06-01']);
      await raw().updateOne({ tenantId, seq: 2 }, { $set: { actor: 'user:someone_else' } });
      await expect(h.log.prune(tenantId, day('2024-01-01'))).rejects.toThrow(ChangeLogBrokenError);
      expect(await seqs(tenantId)).toEqual([1, 2, 3, 4]);
    });

    it('names the cut as a gap when the anchor itself is removed', async () => {
      const tenantId = newTenant();
      await appendOn(tenantId, ['2023-01-01', '2023-02-01', '2024-06-01']);
      await h.log.prune(tenantId, day('2024-01-01'));
      await h.db.models.changeLogAnchors.collection.deleteOne({ tenantId });
      expect((await h.log.verify(tenantId)).firstBroken).toMatchObject({ seq: 3, reason: 'gap' });
    });
  });
});
