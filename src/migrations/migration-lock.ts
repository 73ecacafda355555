import { setTimeout as sleep } from 'node:timers/promises';
import type { JobLocks } from '../jobs/job-locks.js';

/** The lease's name among the job locks: one per deployment, whatever the migration. */
export const MIGRATION_LOCK = 'schema-migrations';

export interface MigrationLockOptions {
  /** A killed holder blocks the others this long at most. */
  leaseMs?: number;
  /** How often a waiting process tries again. */
  pollMs?: number;
  /** Told once when this process starts waiting for another. */
  onWait?(): void;
}

/**
 * The database lock migrations run under: a lease in job_locks (one atomic findOneAndUpdate, so exactly one
 * process of a deployment takes it on MongoDB and on the local server alike), renewed while held. A process
 * killed mid-migration stops renewing, its lease expires, and the next process takes over and resumes.
 */
export class MigrationLock {
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private lost = false;

  constructor(
    private readonly locks: JobLocks,
    private readonly options: MigrationLockOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 500;
  }

  get owner(): string {
    return this.locks.owner;
  }

  /** Runs `work` holding the lock, waiting for it first while another process holds it. */
  async hold<T>(work: (held: { check(): void }) => Promise<T>): Promise<T> {
    let told = false;
    while (!(await this.locks.acquire(MIGRATION_LOCK, this.leaseMs, { force: true }))) {
      if (!told) this.options.onWait?.();
      told = true;
      await sleep(this.pollMs);
    }
    this.lost = false;
    const renewal = setInterval(() => {
      this.locks.renew(MIGRATION_LOCK, this.leaseMs).then(
        (held) => void (this.lost ||= !held),
        () => undefined, // a failed renewal is tried again; the lease outlives a few of them
      );
    }, Math.max(10, Math.floor(this.leaseMs / 3)));
    try {
      return await work({ check: () => this.check() });
    } finally {
      clearInterval(renewal);
      await this.locks.release(MIGRATION_LOCK, { nextRunAt: new Date() });
    }
  }

  /** Throws when the lease was lost, so a process that stalled past it stops before writing more. */
  private check(): void {
    if (this.lost) throw new LeaseLost();
  }
}

export class LeaseLost extends Error {
  constructor() {
    super('migration lease lost');
  }
}
