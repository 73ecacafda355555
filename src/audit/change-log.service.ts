import { newId } from '../db/ids.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { ValidationError } from '../errors/http-errors.js';
import { entryHash, walkChain, type VerifyResult } from './change-log-chain.js';
import type { CheckpointFile } from './change-log-checkpoint-file.js';
import type { CheckpointSigner, SignedCheckpoint } from './change-log-checkpoint.js';
import { formatExport, type ExportFormat } from './change-log-export.js';
import { verifyChain } from './change-log-verify.js';
import { provenanceFromContext, validateChange, type ChangeInput, type IpHash } from './change-log-input.js';
import type { StoredProvenance } from './change-log-pending.model.js';
import { PendingChanges, type ChangeLogLogger, type Settled } from './change-log-pending.js';
import * as q from './change-log-query.js';
import { ChangeLogStore } from './change-log-store.js';
import { ChangeLogBrokenError, ChangeLogBusyError, CheckpointInvalidError } from './change-log.errors.js';
import type { ChangeLogDoc, ChangeLogModels } from './change-log.model.js';

export interface ChangeLogOptions {
  now?: () => Date;
  /** Stores the caller's address as this keyed hash (changeLogIpHash); without it no address is stored at all. */
  ipHash?: IpHash;
  /**
   * Told, at error level and with the entry's id, when a change failed and its `.failed` entry could not be
   * written: the log overstates until the entry is written. Required, so that this is never unheard.
   */
  logger: ChangeLogLogger;
  /**
   * Checkpoints outside the database (change-log-checkpoint.ts): signed into every export, and kept in `file`
   * (beside the backups) when the deployment has one. Without them the chain only shows edits in its middle.
   */
  checkpoints?: { signer: CheckpointSigner; file?: CheckpointFile };
}

interface Chained {
  change: ChangeInput;
  id: string;
  refersTo?: string;
}

interface WaitingAppend {
  items: (Chained & { provenance: StoredProvenance })[];
  resolve(entries: q.ChangeLogEntry[]): void;
  reject(err: unknown): void;
}

/** Losing the race for a seq costs one round trip; this many losses in a row means something is wrong. */
const MAX_ATTEMPTS = 40;

/**
 * The personal-data change log: every change to personal data gets an entry naming one individual actor,
 * entries of a tenant form a verifiable hash chain, and retention cuts the chain only at its old end.
 *
 * Transactions would let an entry and its change commit together where the server has them; this service does
 * not depend on them (FerretDB has none): the entry is written first, under a pending marker, and what became
 * of the change is written after it: nothing when it was done, a `.failed` entry when it failed (at once, or
 * once the database is back), an `.unconfirmed` one when nobody learnt (see change-log-pending.ts). Correct
 * on every server, and the chain only ever grows.
 */
export class ChangeLogService {
  private readonly store: ChangeLogStore;
  private readonly pending: PendingChanges;
  private readonly now: () => Date;
  /** Appends waiting for the tenant's write on its way, and the tenants being written (appendChained). */
  private readonly waiting = new Map<string, WaitingAppend[]>();
  private readonly writing = new Set<string>();
  /**
   * Told of each change `record` has made, once it succeeded (src/webhooks turns entries into events), before
   * `record` returns: whoever asked for the change is answered only after this has run. Its failure is thrown
   * to that caller rather than swallowed: the change has happened (its entry says so), what followed it did not.
   */
  onRecorded: ((entry: q.ChangeLogEntry) => Promise<unknown>) | undefined;

  constructor(models: Pick<ChangeLogModels, 'changeLog' | 'changeLogAnchors' | 'changeLogPending'>, private readonly options: ChangeLogOptions) {
    this.store = new ChangeLogStore(models.changeLog, models.changeLogAnchors);
    this.now = options.now ?? (() => new Date());
    const append = (tenantId: string, change: ChangeInput, provenance: StoredProvenance, extra: { id?: string; refersTo?: string }) =>
      this.appendAs(tenantId, change, provenance, extra);
    this.pending = new PendingChanges(models.changeLogPending, models.changeLog, { now: this.now, logger: options.logger, append });
  }

  async append(tenantId: string, change: ChangeInput): Promise<q.ChangeLogEntry> {
    const valid = validateChange(change);
    return this.appendAs(tenantId, valid, this.provenance(tenantId), {});
  }

  /** No change without its entry: if the entry cannot be written, `apply` never runs. */
  async record<T>(tenantId: string, change: ChangeInput, apply: () => Promise<T>): Promise<T> {
    const valid = validateChange(change);
    const provenance = this.provenance(tenantId);
    const entry = await this.pending.announce(tenantId, valid, provenance);
    let result: T;
    try {
      result = await apply();
    } catch (err) {
      // The entry already claims the change; a second one says it did not happen. Nothing is ever deleted.
      await this.pending.failed(tenantId, entry, valid, provenance);
      throw err;
    }
    await this.pending.done(tenantId, entry, valid, provenance);
    await this.onRecorded?.(entry);
    return result;
  }

  /**
   * Writes the `.failed` entries this process could not write when their changes failed, then reports the
   * changes nobody learnt the outcome of as `.unconfirmed`. Run by a scheduled job, and as soon as the
   * database takes writes again.
   */
  settle(): Promise<Settled> {
    return this.pending.settle();
  }

  /** Only what this process owes the log (see settle): cheap, for every process's own timer. */
  settleOwed(): Promise<void> {
    return this.pending.settleOwed();
  }

  private provenance(tenantId: string): StoredProvenance {
    const { ip, ...provenance } = provenanceFromContext();
    // An address is personal data: never stored as it came, only as a keyed hash.
    return ip && this.options.ipHash ? { ...provenance, ipHash: this.options.ipHash(tenantId, ip) } : provenance;
  }

  private async appendAs(tenantId: string, valid: ChangeInput, provenance: StoredProvenance, extra: { id?: string; refersTo?: string }): Promise<q.ChangeLogEntry> {
    const [entry] = await this.appendChained(tenantId, [{ change: valid, id: extra.id ?? newId('chg'), refersTo: extra.refersTo }], provenance);
    return entry!;
  }

  /**
   * Entries for several changes at once, chained in order and written in one insert (a lock's upload names
   * many people, each of whom gets an entry): one read of the tail and one write, not two per entry.
   */
  async appendMany(tenantId: string, changes: readonly ChangeInput[]): Promise<q.ChangeLogEntry[]> {
    if (changes.length === 0) return [];
    const provenance = this.provenance(tenantId);
    return this.appendChained(tenantId, changes.map((change) => ({ change: validateChange(change), id: newId('chg') })), provenance);
  }

  /**
   * Group commit: appends of one tenant that arrive while a write of its chain is on its way wait for it, and
   * are then chained and written together, in the order they came. Appends of a tenant in this process so never
   * race each other for a seq, and a busy tenant (a lock's decisions, each with its entry) pays one read of the
   * tail and one insert per round instead of two commands per entry, one entry after another.
   */
  private appendChained(tenantId: string, items: readonly Chained[], provenance: StoredProvenance): Promise<q.ChangeLogEntry[]> {
    return new Promise((resolve, reject) => {
      const group = this.waiting.get(tenantId) ?? [];
      group.push({ items: items.map((item) => ({ ...item, provenance })), resolve, reject });
      this.waiting.set(tenantId, group);
      if (!this.writing.has(tenantId)) void this.writeWaiting(tenantId);
    });
  }

  private async writeWaiting(tenantId: string): Promise<void> {
    this.writing.add(tenantId);
    try {
      for (let group = this.waiting.get(tenantId); group?.length; group = this.waiting.get(tenantId)) {
        this.waiting.delete(tenantId);
        try {
          const entries = await this.writeChained(tenantId, group.flatMap((append) => append.items));
          let from = 0;
          for (const append of group) append.resolve(entries.slice(from, (from += append.items.length)));
        } catch (err) {
          for (const append of group) append.reject(err);
        }
      }
    } finally {
      this.writing.delete(tenantId);
    }
  }

  private async writeChained(tenantId: string, items: readonly (Chained & { provenance: StoredProvenance })[]): Promise<q.ChangeLogEntry[]> {
    const written: ChangeLogDoc[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      let tail = await this.store.tail(tenantId);
      const docs = items.slice(written.length).map(({ change, id, refersTo, provenance }) => {
        const draft = { tenantId, seq: tail.seq + 1, at: this.now(), ...provenance, ...change, ...(refersTo ? { refersTo } : {}), prevHash: tail.hash };
        const doc: ChangeLogDoc = { _id: id, ...draft, hash: entryHash(draft) };
        tail = { seq: doc.seq, hash: doc.hash };
        return doc;
      });
      try {
        // Ordered: of a batch that meets another process's entry, what went in is a prefix of it.
        await this.store.entries.insertMany(docs, { ordered: true });
        this.store.remember(tenantId, tail);
        return [...written, ...docs].map(q.toEntry);
      } catch (err) {
        // Another process took a seq (unique index): chain the rest onto its entry instead. No pause before
        // the retry: one appender wins every round, and waiting would only hand the next round to the winner.
        if (!isDuplicateKey(err)) throw err;
        this.store.forget(tenantId);
        // Or our own insert went through, in part or whole, and its reply was lost: those entries are there.
        const stored = new Set((await this.store.entries.find({ tenantId, _id: { $in: docs.map((d) => d._id) } }, { _id: 1 }).lean()).map((d) => d._id));
        written.push(...docs.filter((d) => stored.has(d._id)));
        if (written.length === items.length) return written.map(q.toEntry);
      }
    }
    throw new ChangeLogBusyError();
  }

  /** Newest first; pass `nextCursor` back for the next (older) page. */
  async list(tenantId: string, filter: q.ChangeLogFilter, page: { cursor?: string; limit: number }): Promise<q.ChangeLogPage> {
    const limit = q.checkPageSize(page.limit);
    const query = q.toQuery(tenantId, filter);
    if (page.cursor !== undefined) query.seq = { $lt: q.decodeCursor(page.cursor) };
    const docs = await this.store.entries.find(query).sort({ seq: -1 }).limit(limit + 1).lean<ChangeLogDoc[]>();
    const items = docs.slice(0, limit).map(q.toEntry);
    const last = items.at(-1);
    return docs.length > limit && last ? { items, nextCursor: q.encodeCursor(last.seq) } : { items };
  }

  /**
   * Oldest first, streamed from a database cursor one line at a time, ending with a signed checkpoint of the
   * whole chain as it stood when the export began: the tenant keeps proof of entries that later vanish.
   */
  export(tenantId: string, filter: q.ChangeLogFilter, format: ExportFormat): AsyncIterable<string> {
    if (format !== 'ndjson' && format !== 'csv') throw new ValidationError([{ field: 'format', message: 'must be ndjson or csv' }]);
    // Not `always`: repeated exports of an unchanged chain share one checkpoint rather than grow the file.
    const checkpoint = () => this.checkpoint(tenantId);
    return formatExport(this.store.scan(q.toQuery(tenantId, filter)), format, checkpoint);
  }

  /**
   * The chain link by link, then against the newest checkpoint outside the database, or against `given` (the one
   * an export ended with), which must be one of ours for this tenant.
   */
  async verify(tenantId: string, given?: unknown): Promise<VerifyResult> {
    if (given === undefined) return verifyChain(this.store, tenantId, await this.options.checkpoints?.file?.newest(tenantId));
    const signer = this.options.checkpoints?.signer;
    if (!signer?.verifies(given) || given.tenantId !== tenantId) throw new CheckpointInvalidError();
    return verifyChain(this.store, tenantId, given);
  }

  /**
   * Signs where the tenant's chain ends now and keeps it beside the backups. Skipped for an empty chain, and,
   * unless `always`, when the newest kept checkpoint already says the same.
   */
  async checkpoint(tenantId: string, options: { always?: boolean } = {}): Promise<SignedCheckpoint | undefined> {
    const { checkpoints } = this.options;
    if (!checkpoints) return undefined;
    const tail = await this.store.tail(tenantId);
    if (tail.seq === 0) return undefined;
    const newest = options.always ? undefined : await checkpoints.file?.newest(tenantId);
    if (newest && newest.seq === tail.seq && newest.hash === tail.hash) return newest;
    const signed = checkpoints.signer.sign(tenantId, tail, this.now());
    await checkpoints.file?.append(signed);
    return signed;
  }

  /** A terminated tenant's checkpoints go with its log. */
  async forgetCheckpoints(tenantId: string): Promise<void> {
    await this.options.checkpoints?.file?.remove(tenantId);
  }

  /**
   * Retention: removes the entries older than `olderThan`, always a prefix of the chain, after checking that
   * prefix and saving where the chain continues. A broken prefix is refused rather than erased with its
   * evidence. The newest entry always stays, even if old: it is what a concurrent append's seq collides with.
   */
  async prune(tenantId: string, olderThan: Date): Promise<number> {
    if (!(olderThan instanceof Date) || Number.isNaN(olderThan.getTime())) {
      throw new ValidationError([{ field: 'olderThan', message: 'must be a valid date' }]);
    }
    const newest = await this.store.newestSeq(tenantId);
    if (newest === undefined) return 0;
    const cut = Math.min((await this.store.firstSeqSince(tenantId, olderThan)) ?? newest, newest) - 1;
    const start = await this.store.start(tenantId);
    if (cut > start.seq) {
      const walk = await walkChain(start, this.store.scan({ tenantId, seq: { $gt: start.seq, $lte: cut } }));
      if (walk.firstBroken) throw new ChangeLogBrokenError(walk.firstBroken.seq, walk.firstBroken.reason);
      if (walk.last.seq !== cut) throw new ChangeLogBrokenError(walk.last.seq + 1, 'gap');
      await this.store.saveAnchor(tenantId, walk.last, this.now());
    }
    // The anchor is saved before anything is deleted, and this also clears what an interrupted prune left.
    const { deletedCount } = await this.store.entries.deleteMany({ tenantId, seq: { $lte: Math.max(cut, start.seq) } });
    return deletedCount;
  }

  /** Every entry about one subject, oldest first (for a data subject's access request). */
  async entriesAbout(tenantId: string, subjectId: string): Promise<q.ChangeLogEntry[]> {
    const docs = await this.store.entries.find(q.toQuery(tenantId, { subjectId })).sort({ seq: 1 }).lean<ChangeLogDoc[]>();
    return docs.map(q.toEntry);
  }
}
