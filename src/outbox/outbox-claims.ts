import type { Collection } from 'mongodb';
import type { SingleUse } from '../account/single-use.js';
import type { OutboxJobDoc } from './outbox.model.js';

/**
 * Hands each delivery attempt to exactly one worker: the attempt's key (`mail:<job id>#<attempt>`) is taken
 * through SingleUse, atomic on every server; the worker that takes it owns the attempt and leases the job.
 *
 * Cross-tenant by design (one outbox for every tenant), so this goes through the driver: the tenant-scope guard
 * (rightly) refuses unscoped model queries.
 */
export class OutboxClaims {
  constructor(
    private readonly jobs: Collection<OutboxJobDoc>,
    private readonly once: SingleUse,
    private readonly worker: string,
    private readonly leaseMs: number,
  ) {}

  /** The next due job, now leased to this worker; `passed` collects jobs other workers hold, to look past them. */
  async next(passed: Set<string>): Promise<OutboxJobDoc | null> {
    for (;;) {
      const now = new Date();
      // A job whose worker died mid-send is due again once its lease has ended.
      const due = { $or: [{ state: 'queued' as const, nextAttemptAt: { $lte: now } }, { state: 'sending' as const, lockedUntil: { $lt: now } }] };
      const job = await this.jobs.findOne({ ...due, _id: { $nin: [...passed] } }, { sort: { nextAttemptAt: 1 } });
      if (!job) return null;
      const attempts = job.attempts + 1;
      if (!(await this.once.take(`mail:${job._id}#${attempts}`))) {
        passed.add(job._id);
        continue;
      }
      const lease = { state: 'sending' as const, lockedBy: this.worker, lockedUntil: new Date(now.getTime() + this.leaseMs), attempts, updatedAt: now };
      await this.jobs.updateOne({ _id: job._id }, { $set: lease });
      return { ...job, ...lease };
    }
  }
}
