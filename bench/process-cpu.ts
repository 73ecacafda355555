import { readFileSync } from 'node:fs';

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat, 100 on every Linux build that matters here.
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; NaN where that cannot be read. */
export function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds the whole machine has been busy (all cores, everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/**
 * Named processes whose CPU is sampled around each scenario (server, database, load generator), and `other`:
 * whatever else kept this machine's cores busy meanwhile, which a shared machine must own up to.
 */
export class CpuMeter {
  constructor(private readonly pids: Record<string, number | undefined>) {}

  sample(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) out[name] = pid === process.pid ? selfCpu() : processCpuSeconds(pid);
    out.other = machineBusySeconds() - Object.values(out).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    return out;
  }

  /** Cores each process kept busy between two samples over `seconds` of wall time. */
  static cores(before: Record<string, number>, after: Record<string, number>, seconds: number): Record<string, number> {
    return Object.fromEntries(Object.keys(after).map((k) => [k, Math.round(((after[k]! - (before[k] ?? 0)) / seconds) * 100) / 100]));
  }
}

function selfCpu(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
