import type { Measured } from './measure.js';
import type { Target } from './report.js';
import { flatness, type ScaleFigures } from './scale-figures.js';
import { formatNumber as f } from './stats.js';
import type { TenantFigures } from './tenant-memory.js';

/** One flow run against ours and, where run, the fair baseline (oidc-provider + its MongoDB adapter) and bare oidc-provider. */
export type Trio = { ours: Measured; fair?: Measured; bare?: Measured };

export interface TargetInputs {
  scenarios: readonly Measured[];
  tenants?: TenantFigures;
  clientCredentials?: Trio;
  signIn?: Trio;
  refresh?: Trio;
  userinfo?: Measured;
  scale?: ScaleFigures;
  /** The machine's cores, which every process of the run shares: what a rate target leaves each operation. */
  cores?: number;
}

/** The CPU meter's name for each process's CPU: our server and database, each baseline and its database. */
export const CPU_OF = { ours: 'server', oursDb: 'database', fair: 'fairBaseline', fairDb: 'fairDatabase', bare: 'baseline' } as const;

const cpu = (m: Measured | undefined, process: string) => m?.attribution.cpuMsPerOp[process] ?? Number.NaN;
const commands = (m: Measured | undefined) => m?.attribution.db?.commandsPerOp ?? Number.NaN;

/**
 * Where an operation's time went, for a missed target: the CPU our server and its database spent on it (the
 * idle baselines' few microseconds are noise here), the wait on the database, and the commands it sent, most
 * frequent first (named by command and collection).
 */
export function whereTheTimeGoes(m: Measured, processes: readonly string[] = [CPU_OF.ours, CPU_OF.oursDb]): string {
  const a = m.attribution;
  const spent = Object.entries(a.cpuMsPerOp)
    .filter(([k, v]) => processes.includes(k) && Number.isFinite(v) && v > 0)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${f(v)} ms`);
  const parts = [`CPU per op: ${spent.join(', ') || 'none measured'}`];
  if (a.db) {
    const top = Object.entries(a.db.perOp)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 4)
      .map(([name, n]) => `${name} ${f(n)}`);
    parts.push(`${f(a.db.commandsPerOp)} db commands per op (${top.join(', ') || 'none'}), ${f(a.db.waitMsPerOp)} ms waiting on them`);
  }
  return parts.join('; ');
}

/**
 * What a rate asks of one machine: every process of the run (our server and its database, the load) shares its
 * cores, so `rate` per second leaves `cores * 1000 / rate` ms of CPU per operation for all of them. Set beside
 * what ours and the fair baseline spend, it tells a slow flow from a target no database-backed server can meet here.
 */
export function cpuBudget(trio: Trio, rate: number, cores: number): string {
  const spent = (m: Measured, server: string, db: string) => cpu(m, server) + (Number.isFinite(cpu(m, db)) ? cpu(m, db) : 0);
  const fair = trio.fair ? `, oidc-provider + MongoDB adapter ${f(spent(trio.fair, CPU_OF.fair, CPU_OF.fairDb))} ms (server ${f(cpu(trio.fair, CPU_OF.fair))})` : '';
  return `${f(rate)}/s on ${cores} cores leaves ${f((cores * 1000) / rate)} ms of CPU per op for server, database and load together; spent in server and database: ours ${f(spent(trio.ours, CPU_OF.ours, CPU_OF.oursDb))} ms${fair}`;
}

function target(name: string, value: string, met: boolean, cause?: Measured): Target {
  return met || !cause ? { name, value, met } : { name, value, met, where: whereTheTimeGoes(cause) };
}

/** The issue's targets for a 2-core machine, each with the figure it was judged on; those not run are left out. */
export function evaluateTargets(input: TargetInputs): Target[] {
  const { clientCredentials: cc, signIn, refresh, tenants } = input;
  const errors = input.scenarios.reduce((sum, s) => sum + s.errors, 0);
  const failing = input.scenarios.find((s) => s.errors > 0);
  const targets: Target[] = [
    { name: 'no errors in any scenario', value: `${errors} errors${failing?.firstError ? ` (${failing.name}: ${failing.firstError})` : ''}`, met: errors === 0 },
  ];
  const rate = (name: string, trio: Trio, least: number) => {
    const ratio = trio.ours.perSecond / trio.bare!.perSecond;
    const judged = target(`${name} >= ${least} x bare oidc-provider`, `${f(ratio)} x (${f(trio.ours.perSecond)}/s vs ${f(trio.bare!.perSecond)}/s)`, ratio >= least, trio.ours);
    if (judged.where && input.cores) judged.where += `; ${cpuBudget(trio, least * trio.bare!.perSecond, input.cores)}`;
    targets.push(judged);
  };
  const commandsAtMost = (name: string, m: Measured | undefined, most: number) => {
    if (!m?.attribution.db) return;
    const n = commands(m);
    targets.push(target(`${name}: <= ${most} db commands per op`, f(n), n <= most, m));
  };
  const cpuWithin = (name: string, ours: Measured, base: Measured | undefined, baseProcess: string, baseName: string, most: number) => {
    if (!base) return;
    const ratio = cpu(ours, CPU_OF.ours) / cpu(base, baseProcess);
    targets.push(target(`${name}: server CPU per op <= ${most} x ${baseName}`, `${f(ratio)} x (${f(cpu(ours, CPU_OF.ours))} vs ${f(cpu(base, baseProcess))} ms)`, ratio <= most, ours));
  };
  if (cc) targets.push(target('client credentials >= 2,000/s', `${f(cc.ours.perSecond)}/s`, cc.ours.perSecond >= 2000, cc.ours));
  if (signIn?.bare) rate('whole sign-ins', signIn, 0.8);
  if (refresh?.bare) rate('refresh', refresh, 0.5);
  commandsAtMost('whole sign-in', signIn?.ours, 30);
  commandsAtMost('refresh', refresh?.ours, 6);
  commandsAtMost('userinfo', input.userinfo, 3);
  // "About none": a token from client credentials is stored nowhere; a rare command (a key or limit read) may show.
  commandsAtMost('client credentials', cc?.ours, 0.05);
  if (signIn) cpuWithin('whole sign-in', signIn.ours, signIn.fair, CPU_OF.fair, 'oidc-provider + MongoDB adapter', 1.2);
  if (refresh) cpuWithin('refresh', refresh.ours, refresh.fair, CPU_OF.fair, 'oidc-provider + MongoDB adapter', 1.2);
  if (cc) cpuWithin('client credentials', cc.ours, cc.bare, CPU_OF.bare, 'bare oidc-provider', 2);
  if (input.scale) {
    for (const row of flatness(input.scale)) {
      const met = row.commandsRatio <= 1.25 && row.dbCpuRatio <= 1.25;
      targets.push(
        target(
          `flat with data: ${row.flow} at ${input.scale.large.users.toLocaleString('en-US')} users <= 1.25 x at ${input.scale.small.users.toLocaleString('en-US')}`,
          `commands ${f(row.commandsRatio)} x, db CPU ${f(row.dbCpuRatio)} x`,
          met,
          row.large,
        ),
      );
    }
  }
  if (tenants) {
    targets.push(
      { name: `${tenants.activeTenants} active tenants < 512 MB`, value: `${f(tenants.rssMb.after)} MB`, met: tenants.activeTenants >= 1000 && tenants.rssMb.after < 512 },
      target('cold tenant provider < 50 ms', `${f(tenants.coldBuildMs.median)} ms median`, tenants.coldBuildMs.median < 50, tenants.builds),
    );
  }
  return targets;
}
