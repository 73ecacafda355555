import { createHash } from 'node:crypto';

/**
 * The hash chain that makes the log tamper-evident: each entry's hash covers its own content and the hash of
 * the entry before it, so editing, removing or reordering any stored entry shows on verification. It is
 * evidence, not prevention: whoever can rewrite the whole collection can rewrite the chain, or delete its
 * newest entries, which is why it is also compared with checkpoints kept outside it (change-log-checkpoint.ts).
 */

/**
 * `truncated`: entries up to an outside checkpoint are missing from the end; `rewritten`: the entry at the
 * checkpoint's seq is not the one checkpointed, though the chain may verify in itself.
 */
export type BreakReason = 'hash-mismatch' | 'prev-hash-mismatch' | 'gap' | 'truncated' | 'rewritten';

export interface ChainBreak {
  seq: number;
  /** Absent for a truncation: the entry named is the first one that is gone. */
  id?: string;
  reason: BreakReason;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBroken?: ChainBreak;
  /** The outside checkpoint the chain was compared with, if there is one. */
  checkpoint?: { seq: number; at: string };
}

/** Where a chain continues from: the genesis of the tenant or the last entry retention removed. */
export interface ChainStart {
  seq: number;
  hash: string;
}

/** What the first entry of a tenant links to; per tenant so that chains cannot be spliced into each other. */
export function genesis(tenantId: string): ChainStart {
  return { seq: 0, hash: sha256(`genesis:${tenantId}`) };
}

/**
 * JSON with sorted keys and dates as ISO strings, so the same entry hashes the same whichever order the
 * server returns its keys in. Undefined members are dropped, exactly as they are never stored.
 */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The hash of a stored or to-be-stored entry: every member except `_id` and `hash` itself. */
export function entryHash(doc: Record<string, unknown>): string {
  const { _id, hash, ...body } = doc;
  return sha256(`${String(body.prevHash)}${canonicalJson(body)}`);
}

/** A verification that also tells where the intact part of the chain ends. */
export interface ChainWalk extends VerifyResult {
  last: ChainStart;
  /** The entry at the `watch` seq, when the intact part of the chain reached it. */
  watched?: { id: string; hash: string };
}

/**
 * Walks entries in ascending `seq` from `start` and names the first one that does not continue the chain.
 * Takes raw documents as the driver returns them, because a tampered entry need not fit the schema.
 */
export async function walkChain(start: ChainStart, docs: AsyncIterable<object>, watch?: number): Promise<ChainWalk> {
  let previous = start;
  let checked = 0;
  let watched: ChainWalk['watched'];
  for await (const raw of docs) {
    const doc = raw as Record<string, unknown>;
    const seq = Number(doc.seq);
    const reason = breakIn(doc, seq, previous);
    if (reason) return { ok: false, checked, last: previous, firstBroken: { seq, id: String(doc._id), reason } };
    checked += 1;
    previous = { seq, hash: String(doc.hash) };
    if (seq === watch) watched = { id: String(doc._id), hash: previous.hash };
  }
  return { ok: true, checked, last: previous, ...(watched ? { watched } : {}) };
}

function breakIn(doc: Record<string, unknown>, seq: number, previous: ChainStart): BreakReason | undefined {
  if (seq !== previous.seq + 1) return 'gap';
  if (doc.prevHash !== previous.hash) return 'prev-hash-mismatch';
  if (doc.hash !== entryHash(doc)) return 'hash-mismatch';
  return undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
