import { createLogger } from '../../src/observability/logger.js';
import { randomBytes } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { entryHash } from '../../src/audit/change-log-chain.js';
import { carryCheckpointsOver, CheckpointFile } from '../../src/audit/change-log-checkpoint-file.js';
import { CheckpointSigner, type SignedCheckpoint } from '../../src/audit/change-log-checkpoint.js';
import { CHECKPOINT_ROW_ACTION } from '../../src/audit/change-log-export.js';
import { ChangeLogService } from '../../src/audit/change-log.service.js';
import { CheckpointInvalidError } from '../../src/audit/change-log.errors.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import { alice, appendMany, as, newTenant, openChangeLog, userUpdated, type ChangeLogHarness } from './change-log-harness.js';
import { parseCsv } from './csv.js';

describe('change log checkpoints kept outside the database', () => {
  let h: ChangeLogHarness;
  /** Through the driver, past the model: what someone with write access to the database can do. */
  const raw = () => h.db.models.changeLog.collection;
  const linesOf = async (tenantId: string) => (await readFile(join(h.checkpoints.dir, `${tenantId}.ndjson`), 'utf8')).split('\n').filter(Boolean);
  const collect = async (lines: AsyncIterable<string>) => {
    let text = '';
    for await (const line of lines) text += line;
    return text;
  };

  /**
   * Rewrites every entry from `from` on, recomputing each hash and link with the published algorithm, as anyone
   * with database access can: the chain verifies in itself afterwards.
   */
  async function rewriteConsistently(tenantId: string, from: number, change: Record<string, unknown>): Promise<void> {
    const docs = await raw().find({ tenantId }).sort({ seq: 1 }).toArray();
    let prevHash = docs.find((d) => d.seq === from - 1)!.hash;
    for (const doc of docs.filter((d) => d.seq >= from)) {
      const { _id, hash: _old, ...body } = doc;
      const forged = { ...body, ...(doc.seq === from ? change : {}), prevHash };
      prevHash = entryHash(forged);
      await raw().replaceOne({ _id }, { ...forged, hash: prevHash });
    }
  }

  beforeAll(async () => {
    h = await openChangeLog();
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps a signed checkpoint of the newest entry, and writes no second one while the chain has not moved', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 5);
    const newest = await raw().findOne({ tenantId, seq: 5 });
    const first = await h.log.checkpoint(tenantId);
    expect(first).toMatchObject({ tenantId, seq: 5, hash: newest!.hash, at: h.clock.now.toISOString(), kid: h.signer.kid });
    expect(h.signer.verifies(first)).toBe(true);
    expect(await h.log.checkpoint(tenantId)).toEqual(first);
    expect(await linesOf(tenantId)).toHaveLength(1);

    await appendMany(h.log, tenantId, 1);
    expect(await h.log.checkpoint(tenantId)).toMatchObject({ seq: 6 });
    expect(await linesOf(tenantId)).toHaveLength(2);
    expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 6, checkpoint: { seq: 6, at: first!.at } });
  });

  it('reports the newest entry deleted in the database as a truncation, naming the first seq that is gone', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 10);
    const checkpoint = await h.log.checkpoint(tenantId);
    await raw().deleteOne({ tenantId, seq: 10 });
    expect(await h.log.verify(tenantId)).toEqual({ ok: false, checked: 9, firstBroken: { seq: 10, reason: 'truncated' }, checkpoint: { seq: 10, at: checkpoint!.at } });
  });

  it('reports a chain rewritten consistently, hashes and all, at the checkpointed seq', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 8);
    await h.log.checkpoint(tenantId);
    await rewriteConsistently(tenantId, 3, { actor: 'user:usr_someone_else@acme' });

    // The chain alone cannot tell: a log without the outside checkpoint finds nothing wrong.
    const unguarded = new ChangeLogService(h.db.models, { logger: createLogger('silent') });
    expect(await unguarded.verify(tenantId)).toEqual({ ok: true, checked: 8 });
    const rewritten = await raw().findOne({ tenantId, seq: 8 });
    expect(await h.log.verify(tenantId)).toMatchObject({ ok: false, checked: 8, firstBroken: { seq: 8, id: rewritten!._id, reason: 'rewritten' } });
  });

  it('reports newest entries deleted and replaced up to the same seq as a rewrite', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 6);
    await h.log.checkpoint(tenantId);
    await raw().deleteMany({ tenantId, seq: { $gte: 5 } });
    await as(alice, async () => {
      await h.log.append(tenantId, userUpdated('usr_x'));
      await h.log.append(tenantId, userUpdated('usr_y'));
    });
    expect((await h.log.verify(tenantId)).firstBroken).toMatchObject({ seq: 6, reason: 'rewritten' });
  });

  it('trusts no line of the checkpoint file that its key did not sign', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 3);
    const real = (await h.log.checkpoint(tenantId))!;
    // A forged claim that the chain was longer, signed with another key, and one with its seq edited.
    const other = new CheckpointSigner(new MasterKey(randomBytes(32))).sign(tenantId, { seq: 9, hash: real.hash }, h.clock.now);
    const edited: SignedCheckpoint = { ...real, seq: 7 };
    await appendFile(join(h.checkpoints.dir, `${tenantId}.ndjson`), `${JSON.stringify({ ...other, kid: real.kid })}\n${JSON.stringify(edited)}\nnot json\n`);
    expect(await h.log.verify(tenantId)).toEqual({ ok: true, checked: 3, checkpoint: { seq: 3, at: real.at } });
  });

  it('still verifies when retention has removed the checkpointed entry, from the anchor it left', async () => {
    const tenantId = newTenant();
    h.clock.now = new Date('2022-01-01T12:00:00.000Z');
    await appendMany(h.log, tenantId, 3);
    await h.log.checkpoint(tenantId);
    h.clock.now = new Date('2025-03-01T12:00:00.000Z');
    await appendMany(h.log, tenantId, 2);
    expect(await h.log.prune(tenantId, new Date('2024-01-01T00:00:00.000Z'))).toBe(3);
    expect(await h.log.verify(tenantId)).toMatchObject({ ok: true, checked: 2, checkpoint: { seq: 3 } });
  });

  it('carries each tenant\'s newest checkpoint over to a new master key, so a cut made around a rotation still shows', async () => {
    const tenantId = newTenant();
    await appendMany(h.log, tenantId, 4);
    const before = (await h.log.checkpoint(tenantId))!;
    const newKey = new MasterKey(randomBytes(32));
    const signer = new CheckpointSigner(newKey);
    const rotated = new ChangeLogService(h.db.models, { logger: createLogger('silent'), checkpoints: { signer, file: new CheckpointFile(h.checkpoints.dir, signer) } });
    expect(await rotated.verify(tenantId)).toEqual({ ok: true, checked: 4 });

    expect(await carryCheckpointsOver(h.checkpoints.dir, h.masterKey, newKey)).toBeGreaterThanOrEqual(1);
    await raw().deleteOne({ tenantId, seq: 4 });
    expect(await rotated.verify(tenantId)).toEqual({ ok: false, checked: 3, firstBroken: { seq: 4, reason: 'truncated' }, checkpoint: { seq: 4, at: before.at } });
    // Run again (an interrupted rotation), nothing is added for a tenant the new key already covers.
    const lines = (await linesOf(tenantId)).length;
    await carryCheckpointsOver(h.checkpoints.dir, h.masterKey, newKey);
    expect(await linesOf(tenantId)).toHaveLength(lines);
  });

  describe('in exports', () => {
    it('ends an NDJSON export with a checkpoint of the whole chain that verifies with the key, also when filtered', async () => {
      const tenantId = newTenant();
      await appendMany(h.log, tenantId, 6);
      const lines = (await collect(h.log.export(tenantId, { subjectId: 'usr_0' }, 'ndjson'))).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const { checkpoint } = lines.at(-1) as { checkpoint: SignedCheckpoint };
      expect(lines.slice(0, -1).map((l) => l.seq)).toEqual([1, 4]);
      expect(checkpoint).toMatchObject({ tenantId, seq: 6, hash: (await raw().findOne({ tenantId, seq: 6 }))!.hash });
      expect(h.signer.verifies(checkpoint)).toBe(true);
      expect(h.signer.verifies({ ...checkpoint, seq: 5 })).toBe(false);
      expect(new CheckpointSigner(new MasterKey(randomBytes(32))).verifies(checkpoint)).toBe(false);
      // Kept beside the backups too: the copy the tenant holds is not the only one.
      expect(await h.checkpoints.newest(tenantId)).toEqual(checkpoint);
    });

    it('lets the holder of an export show that entries vanished after it was taken', async () => {
      const tenantId = newTenant();
      await appendMany(h.log, tenantId, 4);
      const lines = (await collect(h.log.export(tenantId, {}, 'ndjson'))).split('\n').filter(Boolean);
      const { checkpoint } = JSON.parse(lines.at(-1)!) as { checkpoint: SignedCheckpoint };
      await raw().deleteMany({ tenantId, seq: { $gte: 3 } });
      expect(await h.log.verify(tenantId, checkpoint)).toMatchObject({ ok: false, checked: 2, firstBroken: { seq: 3, reason: 'truncated' } });
    });

    it("refuses to verify against a checkpoint that is altered or another tenant's", async () => {
      const [tenantId, otherTenant] = [newTenant(), newTenant()];
      await appendMany(h.log, tenantId, 2);
      const checkpoint = (await h.log.checkpoint(tenantId))!;
      await expect(h.log.verify(tenantId, { ...checkpoint, seq: 1 })).rejects.toThrow(CheckpointInvalidError);
      await expect(h.log.verify(otherTenant, checkpoint)).rejects.toThrow(CheckpointInvalidError);
    });

    it('ends a CSV export with a checkpoint row carrying the key id and the MAC', async () => {
      const tenantId = newTenant();
      await appendMany(h.log, tenantId, 2);
      const [header, ...rows] = parseCsv(await collect(h.log.export(tenantId, {}, 'csv')));
      const cell = (row: string[], name: string) => row[header!.indexOf(name)]!;
      expect(rows.map((r) => cell(r, 'action'))).toEqual(['user.updated', 'user.updated', CHECKPOINT_ROW_ACTION]);
      const last = rows.at(-1)!;
      const checkpoint = { tenantId: cell(last, 'subjectId'), seq: Number(cell(last, 'seq')), hash: cell(last, 'hash'), at: cell(last, 'at'), kid: cell(last, 'kid'), mac: cell(last, 'mac') };
      expect(checkpoint).toMatchObject({ tenantId, seq: 2 });
      expect(h.signer.verifies(checkpoint)).toBe(true);
    });
  });
});
