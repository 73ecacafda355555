import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MasterKey } from '../crypto/master-key.js';
import { CheckpointSigner, type SignedCheckpoint } from './change-log-checkpoint.js';

/** Beside the backups and their registry journal: outside the database, where its writers cannot reach. */
export function checkpointDir(backupDir: string): string {
  return join(backupDir, 'change-log.checkpoints');
}

/**
 * The checkpoints of each tenant, one append-only file per tenant (one JSON line per checkpoint), so reading a
 * tenant's newest one never reads anyone else's. Lines are only ever appended: processes appending at once each
 * add whole lines (O_APPEND), and a line that does not verify under the key is skipped, never trusted.
 */
export class CheckpointFile {
  constructor(
    readonly dir: string,
    private readonly signer: CheckpointSigner,
  ) {}

  async append(checkpoint: SignedCheckpoint): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const handle = await open(this.fileOf(checkpoint.tenantId), 'a', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(checkpoint)}\n`);
      // On disk before it counts: a checkpoint lost with a power cut would leave the entries before it unguarded.
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * The last checkpoint written for the tenant that verifies. The last written, not the highest seq: a restore
   * writes a new checkpoint for the chain it brought back, and that one is the chain's state from then on.
   */
  async newest(tenantId: string): Promise<SignedCheckpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(tenantId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      const parsed = parseLine(lines[i]!);
      if (this.signer.verifies(parsed) && parsed.tenantId === tenantId) return parsed;
    }
    return undefined;
  }

  /** A terminated tenant's checkpoints go with its log. */
  async remove(tenantId: string): Promise<void> {
    await rm(this.fileOf(tenantId), { force: true });
  }

  private fileOf(tenantId: string): string {
    // Tenant ids are ours (`ten_` and base64url); anything else must never become a path.
    if (!/^[\w-]+$/.test(tenantId)) throw new Error(`Not a tenant id: ${JSON.stringify(tenantId)}`);
    return join(this.dir, `${tenantId}.ndjson`);
  }
}

/**
 * At a master-key rotation: each tenant's newest checkpoint under the old key is signed again under the new
 * one (same seq, hash and time) and appended, or the first verify after the restart would have nothing to
 * compare with until the next checkpoint. Skipped for a tenant the new key already has one for.
 */
export async function carryCheckpointsOver(dir: string, oldKey: MasterKey, newKey: MasterKey): Promise<number> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  const [oldSigner, newSigner] = [new CheckpointSigner(oldKey), new CheckpointSigner(newKey)];
  const [before, after] = [new CheckpointFile(dir, oldSigner), new CheckpointFile(dir, newSigner)];
  let carried = 0;
  for (const tenantId of names.filter((n) => n.endsWith('.ndjson')).map((n) => n.slice(0, -'.ndjson'.length))) {
    const newest = await before.newest(tenantId);
    if (!newest || (await after.newest(tenantId))) continue;
    await after.append(newSigner.sign(tenantId, newest, new Date(newest.at)));
    carried += 1;
  }
  return carried;
}

function parseLine(line: string): unknown {
  if (!line.trim()) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
