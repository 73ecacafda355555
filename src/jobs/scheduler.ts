import { runWithContext } from '../audit/request-context.js';
import type { JobLocks } from './job-locks.js';

/** A job every process knows and one of them runs, every `everyMs`, as the actor `job:<name>`. */
export interface ScheduledJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

export type JobRun = { ran: false } | { ran: true; result: unknown };

export interface SchedulerOptions {
  /** How often this process looks for due jobs; 0 leaves running them to other processes (and tests). */
  intervalMs: number;
  /** How long a run may go without renewing its lease before another process takes it for crashed. */
  leaseMs?: number;
  /** A failed run is tried again after this, or after `everyMs` if that is sooner. */
  retryMs?: number;
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Runs the registered jobs when they are due, one process of the deployment at a time (see JobLocks). A lease
 * is renewed while its job runs, so a long run keeps it and a crashed process loses it within `leaseMs`.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, Promise<JobRun>>();
  private readonly leaseMs: number;
  private stopped = false;

  constructor(
    private readonly locks: JobLocks,
    private readonly jobs: readonly ScheduledJob[],
    private readonly options: SchedulerOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
  }

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  /** No new runs; waits for the ones in progress, which release their leases. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled(this.running.values());
  }

  /** Runs every job that is due and not held elsewhere. Failures are logged, never thrown. */
  async tick(): Promise<void> {
    await Promise.all(this.jobs.map((job) => this.execute(job, false).catch(() => undefined)));
  }

  /** Runs a job now whether or not it is due (operators, tests), still never beside another run of it. */
  runNow(name: string): Promise<JobRun> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`No scheduled job named ${name}`);
    return this.execute(job, true);
  }

  private execute(job: ScheduledJob, force: boolean): Promise<JobRun> {
    if (this.stopped) return Promise.resolve({ ran: false });
    const inProgress = this.running.get(job.name);
    if (inProgress) return inProgress.then(() => ({ ran: false }));
    const run = this.leased(job, force).finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  private async leased(job: ScheduledJob, force: boolean): Promise<JobRun> {
    if (!(await this.locks.acquire(job.name, this.leaseMs, { force }))) return { ran: false };
    const heartbeat = setInterval(() => void this.locks.renew(job.name, this.leaseMs).catch(() => false), this.leaseMs / 3);
    heartbeat.unref();
    const started = Date.now();
    try {
      const result = await runWithContext({ actor: { type: 'job', id: job.name } }, () => job.run());
      await this.locks.release(job.name, { nextRunAt: new Date(Date.now() + job.everyMs) });
      this.options.logger.info({ job: job.name, result, ms: Date.now() - started }, 'scheduled job done');
      return { ran: true, result };
    } catch (err) {
      const retryMs = Math.min(job.everyMs, this.options.retryMs ?? 10 * 60_000);
      await this.locks.release(job.name, { nextRunAt: new Date(Date.now() + retryMs), error: errorCode(err) }).catch(() => undefined);
      this.options.logger.error({ job: job.name, err }, 'scheduled job failed');
      throw err;
    } finally {
      clearInterval(heartbeat);
    }
  }
}

/** What the lock document keeps of a failure: its name, not its message, which may quote data. */
function errorCode(err: unknown): string {
  return err instanceof Error ? err.name : 'Error';
}
