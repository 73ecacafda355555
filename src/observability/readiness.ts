import type { Db } from 'mongodb';

export interface ReadinessState {
  ready: boolean;
  reason?: string;
}

/**
 * Whether this process should get traffic: nothing at start-up holds it back (the master key check, see
 * src/runtime/master-key-check.ts) and the database answers a ping. The ping has its own short bound, and one
 * ping at a time is in flight however often probes come: a frozen database makes /readyz say 503 within
 * `pingTimeoutMs`, instead of leaving the probe unanswered until the driver gives up.
 */
export class Readiness {
  private readonly holds = new Map<string, string>();
  private ping: Promise<void> | undefined;

  constructor(
    private readonly db: () => Db,
    private readonly pingTimeoutMs = 1000,
  ) {}

  /** Not ready, for `reason`, until released. */
  hold(name: string, reason: string): void {
    this.holds.set(name, reason);
  }

  release(name: string): void {
    this.holds.delete(name);
  }

  async state(): Promise<ReadinessState> {
    const held = this.holds.values().next();
    if (!held.done) return { ready: false, reason: held.value };
    return (await this.databaseAnswers()) ? { ready: true } : { ready: false, reason: 'database unreachable' };
  }

  private async databaseAnswers(): Promise<boolean> {
    this.ping ??= this.db()
      .admin()
      .command({ ping: 1 }, { timeoutMS: this.pingTimeoutMs })
      .then(() => undefined)
      .finally(() => (this.ping = undefined));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, this.pingTimeoutMs, false)));
    try {
      return await Promise.race([this.ping.then(() => true), late]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
