import { newId } from '../db/ids.js';
import type { ChangeInput } from './change-log-input.js';
import type { ChangeLogPendingDoc, ChangeLogPendingModel, StoredProvenance } from './change-log-pending.model.js';
import type { ChangeLogEntry } from './change-log-query.js';
import type { ChangeLogModel } from './change-log.model.js';

/** Where the log must be told what became of an announced change and could not be, at error level. */
export interface ChangeLogLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export type AppendAs = (tenantId: string, change: ChangeInput, provenance: StoredProvenance, extra: { id?: string; refersTo?: string }) => Promise<ChangeLogEntry>;

/**
 * A change whose outcome no process learnt for this long is reported `.unconfirmed`: longer than any change
 * takes (a tenant's termination included), so a change still running elsewhere is never reported.
 */
export const UNCONFIRMED_AFTER_MS = 60 * 60_000;

type Outcome = 'failed' | 'unconfirmed' | 'done';
interface Owed {
  tenantId: string;
  change: ChangeInput;
  provenance: StoredProvenance;
  outcome: 'failed' | 'done';
}

export interface Settled {
  failed: number;
  unconfirmed: number;
  /** Markers of changes that were done, or already reported, or whose entry was never written. */
  cleared: number;
}

/**
 * The write-ahead side of ChangeLogService.record: a marker before the entry, removed when the outcome is
 * known and written. Without transactions (FerretDB has none) the entry and its change cannot commit
 * together; this makes every entry whose change did not happen recognisable all the same. What this process
 * learnt and could not write (the database went away) it keeps and writes when the database is back, as
 * `.failed`; what nobody learnt (the process died too) `settle` reports as `.unconfirmed`.
 */
export class PendingChanges {
  private readonly owed = new Map<string, Owed>();
  private settlingOwed: Promise<void> | undefined;

  constructor(
    private readonly pending: ChangeLogPendingModel,
    private readonly entries: ChangeLogModel,
    private readonly deps: { now: () => Date; logger: ChangeLogLogger; append: AppendAs },
  ) {}

  async announce(tenantId: string, change: ChangeInput, provenance: StoredProvenance): Promise<ChangeLogEntry> {
    const id = newId('chg');
    await this.pending.insertMany([{ _id: id, tenantId, since: this.deps.now(), change, provenance }]);
    try {
      return await this.deps.append(tenantId, change, provenance, { id });
    } catch (err) {
      // No entry, so no change: the marker goes too, or else settle finds it without its entry and clears it.
      await this.forget(tenantId, id).catch(() => undefined);
      throw err;
    }
  }

  async done(tenantId: string, entry: ChangeLogEntry, change: ChangeInput, provenance: StoredProvenance): Promise<void> {
    try {
      await this.forget(tenantId, entry.id);
    } catch (err) {
      this.deps.logger.warn({ err, tenantId, entryId: entry.id }, 'change log: a change that was done is still marked pending');
      this.owed.set(entry.id, { tenantId, change, provenance, outcome: 'done' });
      return;
    }
    if (this.owed.size) void this.settleOwed().catch(() => undefined);
  }

  /** The change failed: its `.failed` entry now, or as soon as the database takes it. */
  async failed(tenantId: string, entry: ChangeLogEntry, change: ChangeInput, provenance: StoredProvenance): Promise<void> {
    try {
      await this.deps.append(tenantId, reportOf(change, 'failed'), provenance, { refersTo: entry.id });
    } catch (err) {
      this.deps.logger.error({ err, tenantId, entryId: entry.id, seq: entry.seq, action: change.action }, 'change log: .failed entry not written');
      this.owed.set(entry.id, { tenantId, change, provenance, outcome: 'failed' });
      return;
    }
    await this.forget(tenantId, entry.id).catch(() => this.owed.set(entry.id, { tenantId, change, provenance, outcome: 'done' }));
  }

  /** Writes what this process owes the log; stops at the first failure (the database is still away). */
  settleOwed(): Promise<void> {
    this.settlingOwed ??= (async () => {
      for (const [id, owed] of [...this.owed]) {
        await this.settleOne(id, owed, owed.outcome);
        this.owed.delete(id);
      }
    })().finally(() => (this.settlingOwed = undefined));
    return this.settlingOwed;
  }

  /** What this process owes, then every marker no process settled in UNCONFIRMED_AFTER_MS. */
  async settle(): Promise<Settled> {
    const counts: Settled = { failed: 0, unconfirmed: 0, cleared: 0 };
    for (const [id, owed] of [...this.owed]) {
      counts[await this.settleOne(id, owed, owed.outcome)] += 1;
      this.owed.delete(id);
    }
    const before = new Date(this.deps.now().getTime() - UNCONFIRMED_AFTER_MS);
    // Across tenants by design, through the driver: the tenant-scope guard (rightly) refuses unscoped model queries.
    const stale = (await this.pending.collection.find({ since: { $lt: before } }).sort({ since: 1 }).limit(500).toArray()) as unknown as ChangeLogPendingDoc[];
    for (const marker of stale) {
      if (this.owed.has(marker._id)) continue;
      counts[await this.settleOne(marker._id, marker, 'unconfirmed')] += 1;
    }
    return counts;
  }

  private async settleOne(id: string, marker: Pick<Owed, 'tenantId' | 'change' | 'provenance'>, outcome: Outcome): Promise<keyof Settled> {
    const { tenantId } = marker;
    let reported: keyof Settled = 'cleared';
    // Written already (an earlier attempt whose reply was lost), or never announced: nothing more to say.
    if (outcome !== 'done' && (await this.entries.exists({ tenantId, _id: id })) && !(await this.entries.exists({ tenantId, refersTo: id }))) {
      await this.deps.append(tenantId, reportOf(marker.change, outcome), marker.provenance, { refersTo: id });
      reported = outcome;
    }
    await this.forget(tenantId, id);
    return reported;
  }

  private async forget(tenantId: string, id: string): Promise<void> {
    await this.pending.deleteOne({ tenantId, _id: id });
  }
}

/** The entry that says what became of a change: the same subject and fields, its action suffixed. */
function reportOf(change: ChangeInput, outcome: 'failed' | 'unconfirmed'): ChangeInput {
  return { ...change, action: `${change.action}.${outcome}` };
}
