import type { Collection } from 'mongodb';
import type { SingleUse } from '../account/single-use.js';
import type { OutboxJobDoc } from './outbox.model.js';

/**
 * Hands each delivery attempt to exactly one worker, in one step: a single findOneAndUpdate moves the job to
 * its next attempt and leases it, matching only while the job is still at the attempt the worker read. Nothing
 * is held before the lease, so a worker that dies at any point leaves a lease that ends, and the job is then
 * due again (as its next attempt) for any worker.
 *
 * FerretDB applies a conditional update as a read and a write that two claimants can interleave, so both may
 * pass it there; the attempt's key (`mail:<job id>#<attempt>`, SingleUse, atomic on every server) then lets
 * only one of them send. Outcomes are recorded against the attempt, which only the key's owner acts on.
 *
 * Cross-tenant by design (one outbox for every tenant), so this goes through the driver: the tenant-scope guard
 * (rightly) refuses unscoped model queries.
 */
/** What a claimable job has: mail (OutboxJobDoc) and webhook deliveries share the claim. */
export type ClaimableJob = Pick<OutboxJobDoc, '_id' | 'attempts' | 'nextAttemptAt' | 'lockedUntil' | 'lockedBy' | 'updatedAt'> & { state: string };

export class OutboxClaims<T extends ClaimableJob = OutboxJobDoc> {
  private readonly jobs: Collection<ClaimableJob>;

  constructor(
    jobs: Collection<T>,
    private readonly once: SingleUse,
    private readonly worker: string,
    private readonly leaseMs: number,
    /** Names the attempt's key; each kind of job has its own. */
    private readonly keyPrefix = 'mail',
  ) {
    this.jobs = jobs as unknown as Collection<ClaimableJob>;
  }

  /** The next due job, now leased to this worker; `passed` collects jobs other workers hold, to look past them. */
  async next(passed: Set<string>): Promise<T | null> {
    for (;;) {
      const now = new Date();
      // A job whose worker died (mid-send, or right after claiming) is due again once its lease has ended. The
      // states named once more outside the $or are what the {state, nextAttemptAt} index finds on every server;
      // the local database would otherwise read every job ever sent at each poll.
      const due = {
        state: { $in: ['queued' as const, 'sending' as const] },
        $or: [{ state: 'queued' as const, nextAttemptAt: { $lte: now } }, { state: 'sending' as const, lockedUntil: { $lt: now } }],
      };
      const job = await this.jobs.findOne({ ...due, _id: { $nin: [...passed] } }, { sort: { nextAttemptAt: 1 } });
      if (!job) return null;
      const attempts = job.attempts + 1;
      const lease = { state: 'sending' as const, lockedBy: this.worker, lockedUntil: new Date(now.getTime() + this.leaseMs), attempts, updatedAt: now };
      const claimed = await this.jobs.findOneAndUpdate({ _id: job._id, attempts: job.attempts, ...due }, { $set: lease }, { returnDocument: 'after' });
      if (!claimed || !(await this.once.take(`${this.keyPrefix}:${job._id}#${attempts}`))) {
        passed.add(job._id);
        continue;
      }
      return claimed as unknown as T;
    }
  }
}
