import { createLogger } from '../../src/observability/logger.js';
import { connectDatabase, type Database } from '../../src/db/database.js';
import { newId } from '../../src/db/ids.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointFile } from '../../src/audit/change-log-checkpoint-file.js';
import { CheckpointSigner } from '../../src/audit/change-log-checkpoint.js';
import { changeLogIpHash, type ChangeInput } from '../../src/audit/change-log-input.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import { ChangeLogService } from '../../src/audit/change-log.service.js';
import { runWithContext, type Actor, type RequestContext } from '../../src/audit/request-context.js';
import { connectTestDatabase, type TestDatabase } from '../support/database.js';

/** A change log on this test file's own database, with a clock the spec sets. */
export interface ChangeLogHarness {
  testDb: TestDatabase;
  db: Database;
  log: ChangeLogService;
  clock: { now: Date };
  /** Signs the checkpoints `log` keeps in `checkpoints.dir`, a folder of this file's own (the backup folder's part). */
  signer: CheckpointSigner;
  /** The master key the checkpoints' key is derived from. */
  masterKey: MasterKey;
  checkpoints: CheckpointFile;
  /** A second service on its own connection to the same database: another process, as far as the log knows. */
  openInstance(): Promise<{ db: Database; log: ChangeLogService }>;
  close(): Promise<void>;
}

export async function openChangeLog(): Promise<ChangeLogHarness> {
  const testDb = await connectTestDatabase();
  const db = await connectDatabase(testDb.uri);
  const clock = { now: new Date('2025-03-01T12:00:00.000Z') };
  const masterKey = new MasterKey(randomBytes(32));
  const ipHash = changeLogIpHash(masterKey);
  const signer = new CheckpointSigner(masterKey);
  const checkpoints = new CheckpointFile(join(await mkdtemp(join(tmpdir(), 'idp-checkpoints-')), 'change-log.checkpoints'), signer);
  const service = (database: Database) =>
    new ChangeLogService(database.models, { now: () => clock.now, ipHash, logger: createLogger('silent'), checkpoints: { signer, file: checkpoints } });
  const others: Database[] = [];
  return {
    testDb,
    db,
    log: service(db),
    clock,
    signer,
    masterKey,
    checkpoints,
    async openInstance() {
      const other = await connectDatabase(testDb.uri);
      others.push(other);
      return { db: other, log: service(other) };
    },
    async close() {
      for (const other of others) await other.close();
      await db.close();
      await testDb.drop();
      await rm(join(checkpoints.dir, '..'), { recursive: true, force: true });
    },
  };
}

export const newTenant = (): string => newId('ten');

export const alice: Actor = { type: 'user', id: 'usr_alice', tenant: 'acme' };

/** Runs `fn` as `actor`, the way the HTTP boundary will. */
export function as<T>(actor: Actor, fn: () => Promise<T>, extra: Omit<RequestContext, 'actor'> = {}): Promise<T> {
  return runWithContext({ actor, ...extra }, fn);
}

/** A plausible change to a user's profile; only names of fields, as callers are meant to write it. */
export function userUpdated(subjectId = 'usr_bob', fields = ['email', 'givenName']): ChangeInput {
  return { action: 'user.updated', subjectType: 'user', subjectId, fields };
}

/** Appends `count` entries one after another, as `actor`, returning their seqs. */
export async function appendMany(log: ChangeLogService, tenantId: string, count: number, actor = alice): Promise<number[]> {
  const seqs: number[] = [];
  await as(actor, async () => {
    for (let i = 0; i < count; i += 1) seqs.push((await log.append(tenantId, userUpdated(`usr_${i % 3}`))).seq);
  });
  return seqs;
}
