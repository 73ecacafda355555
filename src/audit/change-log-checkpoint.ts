import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { MasterKey } from '../crypto/master-key.js';
import type { ChainStart } from './change-log-chain.js';

/**
 * A checkpoint: "the change log of this tenant had entry `seq` with hash `hash` at time `at`", authenticated
 * with an HMAC under a key derived from the master key. The chain alone is evidence only against someone who
 * cannot rewrite all of it; whoever has write access to the database can recompute every hash, or delete the
 * newest entries and leave a chain that still verifies. A checkpoint kept outside the database (beside the
 * backups, and in every export a tenant holds) cannot be made by that person, because the master key never
 * enters the database: a chain shorter than it, or with another hash at its seq, was cut or rewritten.
 */
export interface Checkpoint {
  tenantId: string;
  seq: number;
  hash: string;
  at: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** Which key made `mac`: checkpoints made under a master key since rotated away are recognised as such. */
  kid: string;
  mac: string;
}

const PURPOSE = 'change-log-checkpoint:v1';

/** Signs and checks checkpoints; the only holder of the derived key. */
export class CheckpointSigner {
  private readonly key: Buffer;
  readonly kid: string;

  constructor(masterKey: MasterKey) {
    this.key = masterKey.derive(PURPOSE);
    // A hash of the derived key, not of the master key: exports carry it to customers. Hex, as a CSV cell
    // starting with a dash would be quoted against spreadsheet formulas.
    this.kid = createHash('sha256').update(this.key).digest('hex').slice(0, 16);
  }

  sign(tenantId: string, tail: ChainStart, at: Date): SignedCheckpoint {
    const checkpoint: Checkpoint = { tenantId, seq: tail.seq, hash: tail.hash, at: at.toISOString() };
    return { ...checkpoint, kid: this.kid, mac: this.mac(checkpoint) };
  }

  /** True only for a checkpoint this key made, unchanged in every member. */
  verifies(candidate: unknown): candidate is SignedCheckpoint {
    if (!isSignedShape(candidate) || candidate.kid !== this.kid) return false;
    const expected = Buffer.from(this.mac(candidate), 'hex');
    const given = Buffer.from(candidate.mac, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac({ tenantId, seq, hash, at }: Checkpoint): string {
    // Members joined with a separator none of them can hold, so no two checkpoints share an input.
    return createHmac('sha256', this.key).update([PURPOSE, tenantId, String(seq), hash, at].join('\n')).digest('hex');
  }
}

function isSignedShape(value: unknown): value is SignedCheckpoint {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.tenantId === 'string' &&
    Number.isSafeInteger(v.seq) &&
    typeof v.hash === 'string' &&
    typeof v.at === 'string' &&
    typeof v.kid === 'string' &&
    typeof v.mac === 'string' &&
    /^[0-9a-f]{64}$/.test(v.mac)
  );
}
