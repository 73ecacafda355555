import type { ProbeSnapshot } from './db-probe.js';
import { CpuMeter } from './process-cpu.js';
import type { ScenarioResult } from './stats.js';

/** Where one scenario's time went: the cores each process kept busy and the database commands of the server loaded. */
export interface Attribution {
  cores: Record<string, number>;
  /**
   * CPU milliseconds each process spent per counted operation: unlike rates, hardly moved by other work on a
   * shared machine, so ours and the baseline can be compared by cost even when the machine is busy.
   */
  cpuMsPerOp: Record<string, number>;
  db?: {
    /** Database commands per counted operation (request, sign-in), by command name. */
    perOp: Record<string, number>;
    /** Round-trip milliseconds per operation, by command name: which collection and command the wait is on. */
    msPerOp: Record<string, number>;
    commandsPerOp: number;
    /** Summed round-trip time of those commands per operation: the time an operation waits on the database. */
    waitMsPerOp: number;
    /** Commands in flight on average (summed round-trip time over wall time). */
    inFlight: number;
    /**
     * Commands left out because the server sends them with no request at all (its outbox pollers, job locks,
     * sweepers): their rate while idle, measured before the run, times the scenario's duration.
     */
    background?: number;
  };
  serverLoopDelayP99Ms?: number;
  /** Facts about the state the scenario started from, e.g. how many oidc entries the database held. */
  context?: Record<string, number>;
}

export type Measured = ScenarioResult & { attribution: Attribution };

/** Commands per second by name that a server sends while nobody asks it anything. */
export type BackgroundRates = Record<string, number>;

export class Meter {
  /** By probe name, once measured (measureIdle). */
  private readonly background: Record<string, BackgroundRates> = {};

  constructor(
    private readonly cpu: CpuMeter,
    /** The database probes (bench/db-probe.ts) of the servers that use a database, by name: ours, the fair baseline. */
    private readonly probes: Record<string, string>,
    private readonly context?: () => Promise<Record<string, number>>,
  ) {}

  async probe(name: string | undefined): Promise<ProbeSnapshot | undefined> {
    const url = name ? this.probes[name] : undefined;
    if (!url) return undefined;
    const res = await fetch(url);
    return (await res.json()) as ProbeSnapshot;
  }

  /**
   * The commands a server sends on its own, per second, over `seconds` without requests: later figures leave
   * these out, so an operation is charged with what it causes, including the re-reads of what the server keeps
   * for a bounded time (those happen only when something is asked, so they are not in this rate).
   */
  async measureIdle(probe: string, seconds: number): Promise<BackgroundRates> {
    const before = await this.probe(probe);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const after = await this.probe(probe);
    const rates: BackgroundRates = {};
    if (before && after) {
      for (const [name, now] of Object.entries(after.commands)) {
        const count = now.count - (before.commands[name]?.count ?? 0);
        if (count > 0) rates[name] = count / seconds;
      }
    }
    this.background[probe] = rates;
    return rates;
  }

  /** Runs a scenario and attributes its time; `db` figures from the probe named, of the server the scenario loads. */
  async around<R extends ScenarioResult>(probe: string | undefined, scenario: () => Promise<R>): Promise<R & { attribution: Attribution }> {
    const context = await this.context?.();
    const probeBefore = await this.probe(probe);
    const cpuBefore = this.cpu.sample();
    const result = await scenario();
    const cpuAfter = this.cpu.sample();
    // Requests the load generator left unanswered when it stopped still finish on the server: their commands
    // are counted once they have, and the commands divided by every request sent.
    if (result.sent !== undefined && result.sent > result.count) await new Promise((resolve) => setTimeout(resolve, 500));
    const probeAfter = await this.probe(probe);
    const cpuMsPerOp = Object.fromEntries(
      Object.keys(cpuAfter).map((k) => [k, Math.round(((cpuAfter[k]! - (cpuBefore[k] ?? 0)) * 1000 * 100) / Math.max(result.count, 1)) / 100]),
    );
    const attribution: Attribution = { cores: CpuMeter.cores(cpuBefore, cpuAfter, result.durationS), cpuMsPerOp, context };
    if (probeBefore && probeAfter) {
      attribution.db = dbFigures(probeBefore, probeAfter, Math.max(result.sent ?? result.count, 1), result.durationS, this.background[probe!]);
      attribution.serverLoopDelayP99Ms = Math.round(probeAfter.loopDelayP99Ms * 10) / 10;
    }
    return { ...result, attribution };
  }
}

/**
 * Command counts and times between two snapshots, per operation; with `background`, each command's idle rate
 * times `seconds` is left out of its count (never below none).
 */
export function dbFigures(before: ProbeSnapshot, after: ProbeSnapshot, ops: number, seconds: number, background: BackgroundRates = {}): NonNullable<Attribution['db']> {
  const perOp: Record<string, number> = {};
  const msPerOp: Record<string, number> = {};
  let commands = 0;
  let ms = 0;
  let left = 0;
  for (const [name, now] of Object.entries(after.commands)) {
    const was = before.commands[name] ?? { count: 0, ms: 0 };
    const sent = now.count - was.count;
    const idle = Math.min(sent, Math.round((background[name] ?? 0) * seconds));
    left += Math.max(idle, 0);
    const count = sent - Math.max(idle, 0);
    if (count <= 0) continue;
    perOp[name] = Math.round((count / ops) * 100) / 100;
    msPerOp[name] = Math.round(((now.ms - was.ms) / ops) * 100) / 100;
    commands += count;
    ms += now.ms - was.ms;
  }
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    perOp,
    msPerOp,
    commandsPerOp: round(commands / ops),
    waitMsPerOp: round(ms / ops),
    inFlight: round(ms / 1000 / seconds),
    ...(Object.keys(background).length ? { background: left } : {}),
  };
}
