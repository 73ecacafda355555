import { JobLocks } from '../../src/jobs/job-locks.js';
import { Scheduler, type ScheduledJob } from '../../src/jobs/scheduler.js';
import { currentContext } from '../../src/audit/request-context.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';

const HOUR = 3600_000;
const quiet = { info: () => {}, error: () => {} };

describe('scheduler', () => {
  let db: OpenTestDatabase;
  let counter = 0;

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  /** A job that counts its runs and can be held open, so two processes can be caught running it at once. */
  function countingJob(everyMs = HOUR) {
    const runs: string[] = [];
    let release: () => void = () => {};
    const gate = { hold: false };
    const job: ScheduledJob = {
      name: `job-${++counter}`,
      everyMs,
      async run() {
        runs.push(currentContext()?.actor.id ?? 'no actor');
        if (gate.hold) await new Promise<void>((resolve) => (release = resolve));
        return { runs: runs.length };
      },
    };
    return { job, runs, gate, release: () => release() };
  }

  /** One process of the deployment: its own owner id, the shared database. */
  function instance(jobs: ScheduledJob[], owner: string) {
    return new Scheduler(new JobLocks(db.models.jobLocks, owner), jobs, { intervalMs: 0, logger: quiet });
  }

  it('runs a due job once when two instances look for due jobs at the same moment', async () => {
    const { job, runs } = countingJob();
    await Promise.all([instance([job], 'process-a').tick(), instance([job], 'process-b').tick()]);
    expect(runs).toHaveLength(1);
  });

  it('runs a job once when many instances are asked to run it at the same moment', async () => {
    const { job, runs } = countingJob();
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((p) => instance([job], `process-${p}`).runNow(job.name)));
    expect(runs).toHaveLength(1);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
  });

  it('does not run a job again in another instance before it is due again', async () => {
    const { job, runs } = countingJob();
    await instance([job], 'process-a').tick();
    await instance([job], 'process-b').tick();
    await instance([job], 'process-a').tick();
    expect(runs).toHaveLength(1);
    const lock = await db.models.jobLocks.findById(job.name).lean();
    expect(lock!.nextRunAt.getTime()).toBeGreaterThan(Date.now() + HOUR - 60_000);
  });

  it('refuses an explicit run while another instance holds the lease, and runs it afterwards', async () => {
    const held = countingJob();
    held.gate.hold = true;
    const a = instance([held.job], 'process-a');
    const b = instance([held.job], 'process-b');
    const first = a.runNow(held.job.name);
    await waitFor(() => held.runs.length === 1);
    await expect(b.runNow(held.job.name)).resolves.toEqual({ ran: false });
    held.release();
    await expect(first).resolves.toMatchObject({ ran: true });
    held.gate.hold = false;
    await expect(b.runNow(held.job.name)).resolves.toMatchObject({ ran: true, result: { runs: 2 } });
  });

  it('takes over the lease of a process that crashed once the lease has ended', async () => {
    const { job, runs } = countingJob();
    const past = new Date(Date.now() - 60_000);
    await db.models.jobLocks.collection.insertOne({ _id: job.name as never, owner: 'crashed-process', leaseUntil: past, nextRunAt: past });
    await instance([job], 'process-a').tick();
    expect(runs).toHaveLength(1);
  });

  it('leaves a job alone while a live process holds its lease, even when it is due', async () => {
    const { job, runs } = countingJob();
    await db.models.jobLocks.collection.insertOne({
      _id: job.name as never,
      owner: 'busy-process',
      leaseUntil: new Date(Date.now() + HOUR),
      nextRunAt: new Date(Date.now() - 60_000),
    });
    await instance([job], 'process-a').tick();
    await expect(instance([job], 'process-a').runNow(job.name)).resolves.toEqual({ ran: false });
    expect(runs).toHaveLength(0);
  });

  it('runs jobs as the actor job:<name>, for the change log', async () => {
    const { job, runs } = countingJob();
    await instance([job], 'process-a').runNow(job.name);
    expect(runs).toEqual([job.name]);
  });

  it('records a failure by its name, releases the lease and makes the job due again sooner', async () => {
    const job: ScheduledJob = {
      name: `job-${++counter}`,
      everyMs: 24 * HOUR,
      run: async () => {
        throw new TypeError('alice@example.test is not a thing');
      },
    };
    const scheduler = new Scheduler(new JobLocks(db.models.jobLocks, 'process-a'), [job], { intervalMs: 0, retryMs: HOUR, logger: quiet });
    await expect(scheduler.runNow(job.name)).rejects.toThrow(TypeError);
    const lock = await db.models.jobLocks.findById(job.name).lean();
    expect(lock).toMatchObject({ lastError: 'TypeError' });
    expect(lock!.owner).toBeUndefined();
    expect(lock!.leaseUntil.getTime()).toBeLessThanOrEqual(Date.now());
    expect(lock!.nextRunAt.getTime()).toBeLessThan(Date.now() + 2 * HOUR);
  });

  it('waits on stop for the run in progress, and starts none after', async () => {
    const held = countingJob();
    held.gate.hold = true;
    const scheduler = instance([held.job], 'process-a');
    const run = scheduler.runNow(held.job.name);
    await waitFor(() => held.runs.length === 1);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    held.release();
    await stopping;
    await run;
    await expect(scheduler.runNow(held.job.name)).resolves.toEqual({ ran: false });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not reached');
}
