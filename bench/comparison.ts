import { formatNumber as f, formatTable } from './stats.js';
import { CPU_OF, type Trio } from './targets.js';

/** One flow's figures for ours against each baseline: rate, server CPU and database commands per operation. */
export interface Comparison {
  flow: string;
  perSecond: { ours: number; fair?: number; bare?: number };
  serverCpuMsPerOp: { ours: number; fair?: number; bare?: number };
  dbCpuMsPerOp: { ours: number; fair?: number };
  commandsPerOp: { ours: number; fair?: number };
  /** Ours over the baseline: above 1 is faster for rates, costlier for CPU and commands. */
  vsFair?: { rate: number; serverCpu: number; commands: number };
  vsBare?: { rate: number; serverCpu: number };
}

export function compare(flow: string, trio: Trio): Comparison {
  const { ours, fair, bare } = trio;
  const cpu = (m: Trio['ours'] | undefined, process: string) => m?.attribution.cpuMsPerOp[process] ?? Number.NaN;
  const out: Comparison = {
    flow,
    perSecond: { ours: ours.perSecond, fair: fair?.perSecond, bare: bare?.perSecond },
    serverCpuMsPerOp: { ours: cpu(ours, CPU_OF.ours), fair: fair && cpu(fair, CPU_OF.fair), bare: bare && cpu(bare, CPU_OF.bare) },
    dbCpuMsPerOp: { ours: cpu(ours, CPU_OF.oursDb), fair: fair && cpu(fair, CPU_OF.fairDb) },
    commandsPerOp: { ours: ours.attribution.db?.commandsPerOp ?? Number.NaN, fair: fair?.attribution.db?.commandsPerOp },
  };
  if (fair) {
    out.vsFair = {
      rate: ours.perSecond / fair.perSecond,
      serverCpu: out.serverCpuMsPerOp.ours / out.serverCpuMsPerOp.fair!,
      commands: out.commandsPerOp.ours / out.commandsPerOp.fair!,
    };
  }
  if (bare) out.vsBare = { rate: ours.perSecond / bare.perSecond, serverCpu: out.serverCpuMsPerOp.ours / out.serverCpuMsPerOp.bare! };
  return out;
}

export function renderComparisons(rows: readonly Comparison[]): string {
  const trio = (v: { ours: number; fair?: number; bare?: number }) => [v.ours, v.fair, v.bare].map((x) => (x === undefined ? '-' : f(x))).join(' / ');
  return formatTable(
    ['flow', 'per second: ours / fair / bare', 'server CPU ms per op: ours / fair / bare', 'db commands per op: ours / fair', 'db CPU ms per op: ours / fair', 'ours vs fair: rate, CPU, commands', 'ours vs bare: rate, CPU'],
    rows.map((r) => [
      r.flow,
      trio(r.perSecond),
      trio(r.serverCpuMsPerOp),
      trio(r.commandsPerOp),
      trio(r.dbCpuMsPerOp),
      r.vsFair ? `${f(r.vsFair.rate)} x, ${f(r.vsFair.serverCpu)} x, ${f(r.vsFair.commands)} x` : '-',
      r.vsBare ? `${f(r.vsBare.rate)} x, ${f(r.vsBare.serverCpu)} x` : '-',
    ]),
  );
}
