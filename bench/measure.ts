import type { ProbeSnapshot } from './db-probe.js';
import { CpuMeter } from './process-cpu.js';
import type { ScenarioResult } from './stats.js';

/** Where one scenario's time went: the cores each process kept busy and the database commands of the server loaded. */
export interface Attribution {
  cores: Record<string, number>;
  /**
   * CPU milliseconds each process spent per counted operation: unlike rates, hardly moved by other work on a
   * shared machine, so ours and the baseline can be compared by cost even when the machine is busy. A server's
   * CPU while idle (its pollers and timers, at the rate measured before the scenarios) is left out.
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
  /** CPU seconds and wall seconds each process of `idleApart` spent while nobody asked anything (measureIdle). */
  private readonly idle = { cpuS: {} as Record<string, number>, seconds: 0 };

  constructor(
    private readonly cpu: CpuMeter,
    /** The database probes (bench/db-probe.ts) of the servers that use a database, by name: ours, the fair baseline. */
    private readonly probes: Record<string, string>,
    private readonly context?: () => Promise<Record<string, number>>,
    /**
     * The processes (servers and their databases) whose CPU with nobody asking is left out of every scenario's
     * CPU, as their background commands are: a poller's or a timer's CPU is not an operation's.
     */
    private readonly idleApart: readonly string[] = [],
  ) {}

  /** CPU milliseconds per second each process of `idleApart` spent idle, as measured so far. */
  idleCpuMsPerS(): Record<string, number> {
    const { cpuS, seconds } = this.idle;
    return Object.fromEntries(Object.entries(cpuS).map(([k, v]) => [k, seconds > 0 ? Math.round((v / seconds) * 1000 * 100) / 100 : 0]));
  }

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
    const cpuBefore = this.cpu.sample();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const cpuAfter = this.cpu.sample();
    this.idle.seconds += (performance.now() - started) / 1000;
    for (const k of this.idleApart) this.idle.cpuS[k] = (this.idle.cpuS[k] ?? 0) + Math.max((cpuAfter[k] ?? 0) - (cpuBefore[k] ?? 0), 0);
    const after = await this.probe(probe);
    const rates: BackgroundRates = {};
    if (before && after) {
      for (const [name, { count }] of Object.entries(commandsBetween(before, after))) if (count > 0) rates[name] = count / seconds;
    }
    this.background[probe] = rates;
    return rates;
  }

  /** Runs a scenario and attributes its time; `db` figures from the probe named, of the server the scenario loads. */
  async around<R extends ScenarioResult>(probe: string | undefined, scenario: () => Promise<R>): Promise<R & { attribution: Attribution }> {
    const { result, stretch } = await this.stretch(probe, scenario);
    return { ...result, attribution: this.attribute(probe, result, stretch) };
  }

  /** Runs a scenario and reads, around it, each process's CPU and the commands of the server probed. */
  async stretch<R extends ScenarioResult>(probe: string | undefined, scenario: () => Promise<R>): Promise<{ result: R; stretch: Stretch }> {
    const context = await this.context?.();
    const probeBefore = await this.probe(probe);
    const cpuBefore = this.cpu.sample();
    const result = await scenario();
    const cpuAfter = this.cpu.sample();
    // Requests the load generator left unanswered when it stopped still finish on the server: their commands
    // are counted once they have, and the commands divided by every request sent.
    if (result.sent !== undefined && result.sent > result.count) await new Promise((resolve) => setTimeout(resolve, 500));
    const probeAfter = await this.probe(probe);
    const stretch: Stretch = { cpuS: Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, cpuAfter[k]! - (cpuBefore[k] ?? 0)])), context };
    if (probeBefore && probeAfter) {
      stretch.commands = commandsBetween(probeBefore, probeAfter);
      stretch.loopDelayP99Ms = probeAfter.loopDelayP99Ms;
    }
    return { result, stretch };
  }

  /** What a scenario's result cost, per operation, from what was read over its stretch (or its stretches, joined). */
  attribute(probe: string | undefined, result: ScenarioResult, stretch: Stretch): Attribution {
    const idleMsPerS = this.idleCpuMsPerS();
    const forOps = (k: string, s: number) => Math.max(s - ((idleMsPerS[k] ?? 0) / 1000) * result.durationS, 0);
    const cpuMsPerOp = Object.fromEntries(Object.entries(stretch.cpuS).map(([k, s]) => [k, Math.round((forOps(k, s) * 1000 * 100) / Math.max(result.count, 1)) / 100]));
    const attribution: Attribution = { cores: CpuMeter.cores({}, stretch.cpuS, result.durationS), cpuMsPerOp, context: stretch.context };
    if (stretch.commands) {
      attribution.db = dbFigures(stretch.commands, Math.max(result.sent ?? result.count, 1), result.durationS, this.background[probe!]);
      attribution.serverLoopDelayP99Ms = Math.round((stretch.loopDelayP99Ms ?? Number.NaN) * 10) / 10;
    }
    return attribution;
  }
}

/** What the meter read over one stretch of a scenario: CPU seconds by process, and the probed server's commands. */
export interface Stretch {
  cpuS: Record<string, number>;
  commands?: ProbeSnapshot['commands'];
  loopDelayP99Ms?: number;
  /** As read at the stretch's start (see Attribution.context). */
  context?: Record<string, number>;
}

/** Two stretches of one scenario as one: CPU and commands added up, the worse loop delay, the first's context. */
export function joinStretches(a: Stretch, b: Stretch): Stretch {
  const add = <T>(x: Record<string, T> | undefined, y: Record<string, T> | undefined, plus: (p: T | undefined, q: T) => T) => {
    if (!x && !y) return undefined;
    const out = { ...x };
    for (const [k, v] of Object.entries(y ?? {})) out[k] = plus(out[k], v);
    return out;
  };
  const joined: Stretch = { cpuS: add(a.cpuS, b.cpuS, (p, q) => (p ?? 0) + q)!, context: a.context ?? b.context };
  const commands = add(a.commands, b.commands, (p, q) => ({ count: (p?.count ?? 0) + q.count, ms: (p?.ms ?? 0) + q.ms }));
  if (commands) joined.commands = commands;
  if (a.loopDelayP99Ms !== undefined || b.loopDelayP99Ms !== undefined) joined.loopDelayP99Ms = Math.max(a.loopDelayP99Ms ?? 0, b.loopDelayP99Ms ?? 0);
  return joined;
}

/** The commands a probe counted between two of its snapshots, by name: how many, and their summed round trips. */
export function commandsBetween(before: Pick<ProbeSnapshot, 'commands'>, after: Pick<ProbeSnapshot, 'commands'>): ProbeSnapshot['commands'] {
  return Object.fromEntries(
    Object.entries(after.commands).map(([name, now]) => {
      const was = before.commands[name] ?? { count: 0, ms: 0 };
      return [name, { count: now.count - was.count, ms: now.ms - was.ms }];
    }),
  );
}

/**
 * Commands sent over a run (commandsBetween), per operation; with `background`, each command's idle rate times
 * `seconds` is left out of its count (never below none).
 */
export function dbFigures(sentCommands: ProbeSnapshot['commands'], ops: number, seconds: number, background: BackgroundRates = {}): NonNullable<Attribution['db']> {
  const perOp: Record<string, number> = {};
  const msPerOp: Record<string, number> = {};
  let commands = 0;
  let ms = 0;
  let left = 0;
  for (const [name, { count: sent, ms: waited }] of Object.entries(sentCommands)) {
    const idle = Math.min(sent, Math.round((background[name] ?? 0) * seconds));
    left += Math.max(idle, 0);
    const count = sent - Math.max(idle, 0);
    if (count <= 0) continue;
    perOp[name] = Math.round((count / ops) * 100) / 100;
    msPerOp[name] = Math.round((waited / ops) * 100) / 100;
    commands += count;
    ms += waited;
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
