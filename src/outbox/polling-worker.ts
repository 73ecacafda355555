import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

export interface PollingWorkerOptions {
  /** Names the worker's id (`<prefix>_…`) and its log lines. */
  idPrefix: string;
  label: string;
  logger: Logger;
  pollMs: number;
  /** Housekeeping (sweeps, pruning) runs at most this often, between passes. */
  housekeepingMs?: number;
}

/**
 * The loop every outbox worker runs (mail, webhooks): a pass delivers each due job it can claim, one at a
 * time; between passes it waits `pollMs`, or less when its outbox says a job was queued in this process. A
 * failed pass is logged and the next one tries again; `stop` lets the delivery in hand finish, so its outcome
 * is recorded.
 */
export abstract class PollingWorker<Job> {
  readonly id: string;
  private stopping = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private housekeptAt = 0;

  protected constructor(private readonly polling: PollingWorkerOptions) {
    this.id = `${polling.idPrefix}_${randomBytes(8).toString('base64url')}`;
  }

  /** The next due job this worker claimed, or null; `passed` holds what this pass already saw. */
  protected abstract next(passed: Set<string>): Promise<Job | null>;
  protected abstract deliver(job: Job): Promise<void>;
  /** Listens for jobs queued in this process, so they go out without waiting for the next poll. */
  protected abstract onQueued(wake: () => void): () => void;
  protected abstract housekeeping(): Promise<unknown>;

  start(): void {
    if (this.running) return;
    this.unsubscribe = this.onQueued(() => this.wake?.());
    this.running = this.loop();
  }

  /** Finishes the delivery in hand (so its outcome is recorded), then stops. */
  async stop(): Promise<void> {
    if (this.stopping) return this.running;
    this.stopping = true;
    this.unsubscribe?.();
    this.wake?.();
    await this.running;
  }

  /** Delivers every due job, one at a time, and answers how many it took. */
  async drain(): Promise<number> {
    let handled = 0;
    const passed = new Set<string>();
    for (let job = await this.next(passed); job; job = this.stopping ? null : await this.next(passed)) {
      await this.deliver(job);
      handled += 1;
    }
    return handled;
  }

  private async loop(): Promise<void> {
    const housekeepingMs = this.polling.housekeepingMs ?? 3_600_000;
    while (!this.stopping) {
      try {
        await this.drain();
        if (Date.now() - this.housekeptAt > housekeepingMs) await this.housekeeping().then(() => (this.housekeptAt = Date.now()));
      } catch (err) {
        this.polling.logger.warn({ err, worker: this.id }, `${this.polling.label}: pass failed`);
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.polling.pollMs);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = undefined;
    }
  }
}
