import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { JobLockModel } from './job-lock.model.js';
import { isDuplicateKey } from '../db/duplicate-key.js';

/**
 * Leases on scheduled jobs, so that of all the processes of a deployment one runs a job at a time, and a run
 * by any of them counts for all. Taking a lease is one atomic findOneAndUpdate: it matches only a lock whose
 * lease has ended (and, unless forced, whose job is due); when it matches nothing, its upsert collides with
 * the existing lock on `_id` and the caller learns someone else holds it.
 */
export class JobLocks {
  constructor(
    private readonly locks: JobLockModel,
    /** This process, as lock owners are told apart. */
    readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** True when this process now holds the lease of `name` for `leaseMs`. */
  async acquire(name: string, leaseMs: number, options: { force?: boolean } = {}): Promise<boolean> {
    const now = this.now();
    const filter: Record<string, unknown> = { _id: name, leaseUntil: { $lte: now } };
    if (!options.force) filter.nextRunAt = { $lte: now };
    const update = { $set: { owner: this.owner, leaseUntil: new Date(now.getTime() + leaseMs), lastStartedAt: now }, $setOnInsert: { nextRunAt: now } };
    try {
      const lock = await this.locks.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' }).lean();
      return lock?.owner === this.owner;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Extends a lease still held; false when it was lost (it expired and another process took it). */
  async renew(name: string, leaseMs: number): Promise<boolean> {
    const leaseUntil = new Date(this.now().getTime() + leaseMs);
    const { matchedCount } = await this.locks.updateOne({ _id: name, owner: this.owner }, { $set: { leaseUntil } });
    return matchedCount > 0;
  }

  /** Ends the lease and says when the job is due next; a lost lease is left to its new owner. */
  async release(name: string, outcome: { nextRunAt: Date; error?: string }): Promise<void> {
    const now = this.now();
    const $set = { leaseUntil: now, nextRunAt: outcome.nextRunAt, lastFinishedAt: now, ...(outcome.error ? { lastError: outcome.error } : {}) };
    const $unset = outcome.error ? { owner: '' as const } : { owner: '' as const, lastError: '' as const };
    await this.locks.updateOne({ _id: name, owner: this.owner }, { $set, $unset });
  }
}
