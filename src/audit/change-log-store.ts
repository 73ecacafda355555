import type { ChangeLogAnchorModel } from './change-log-anchor.model.js';
import { genesis, type ChainStart } from './change-log-chain.js';
import type { ChangeLogDoc, ChangeLogModel } from './change-log.model.js';
import { ignoreDuplicateKey } from '../db/duplicate-key.js';
import { LRUCache } from 'lru-cache';

/** Tenants whose last tail this process keeps; beyond it the least recent one is read again. */
const KNOWN_TAILS = 10_000;

/**
 * The stored shape of one tenant's chain: where it starts (anchor or genesis), where it ends (tail), and the
 * entries in between in seq order. Kept apart from the service so appending, verifying and pruning all read
 * the chain the same way.
 */
export class ChangeLogStore {
  /** The entry each tenant's last append in this process wrote: a guess at the tail, confirmed before use. */
  private readonly known = new LRUCache<string, ChainStart>({ max: KNOWN_TAILS });

  constructor(
    readonly entries: ChangeLogModel,
    private readonly anchors: ChangeLogAnchorModel,
  ) {}

  /** What the next entry links to: the newest entry, else the anchor, else genesis. */
  async tail(tenantId: string): Promise<ChainStart> {
    // The newest entry is one index step on MongoDB, but FerretDB sorts the tenant's whole log for it, so the
    // entry this process wrote last is confirmed instead (an equality on the unique {tenantId, seq} index).
    // Confirmed means it is still there, unchanged (not pruned, restored over or rewritten); if another process
    // wrote after it, the insert collides on the next seq and the appender forgets it and reads the tail.
    const known = this.known.get(tenantId);
    if (known && (await this.entries.exists({ tenantId, seq: known.seq, hash: known.hash }))) return known;
    // Entries are read before the anchor: a prune saves its anchor before deleting, so whichever we miss, the
    // other is there.
    const last = await this.entries.findOne({ tenantId }).sort({ seq: -1 }).select({ seq: 1, hash: 1 }).lean();
    return last ? { seq: last.seq, hash: last.hash } : this.start(tenantId);
  }

  remember(tenantId: string, tail: ChainStart): void {
    this.known.set(tenantId, tail);
  }

  forget(tenantId: string): void {
    this.known.delete(tenantId);
  }

  /** The anchor retention left, else the tenant's genesis. */
  async start(tenantId: string): Promise<ChainStart> {
    const anchor = await this.anchors.findOne({ _id: tenantId, tenantId }).lean();
    return anchor ? { seq: anchor.seq, hash: anchor.hash } : genesis(tenantId);
  }

  async newestSeq(tenantId: string): Promise<number | undefined> {
    const newest = await this.entries.findOne({ tenantId }).sort({ seq: -1 }).select({ seq: 1 }).lean();
    return newest?.seq;
  }

  /** The lowest seq written at or after `at`; entries below it are the prefix retention may remove. */
  async firstSeqSince(tenantId: string, at: Date): Promise<number | undefined> {
    const first = await this.entries.findOne({ tenantId, at: { $gte: at } }).sort({ seq: 1 }).select({ seq: 1 }).lean();
    return first?.seq;
  }

  async saveAnchor(tenantId: string, last: ChainStart, prunedAt: Date): Promise<void> {
    // Only ever forward: if a concurrent prune anchored further, the filter misses and the upsert's insert
    // collides on _id, which is the outcome we want.
    const filter = { _id: tenantId, tenantId, seq: { $lt: last.seq } };
    const update = { $set: { seq: last.seq, hash: last.hash, prunedAt } };
    await this.anchors.updateOne(filter, update, { upsert: true }).catch(ignoreDuplicateKey);
  }

  /** Ascending by seq, streamed; the cursor is closed even when the consumer stops early. */
  async *scan(query: Record<string, unknown>): AsyncGenerator<ChangeLogDoc> {
    const cursor = this.entries.find(query).sort({ seq: 1 }).lean<ChangeLogDoc[]>().cursor();
    try {
      for await (const doc of cursor) yield doc as ChangeLogDoc;
    } finally {
      await cursor.close();
    }
  }
}
