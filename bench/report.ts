import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { renderComparisons, type Comparison } from './comparison.js';
import type { CryptoBounds } from './crypto-bounds.js';
import type { RoundTrip } from './db-figures.js';
import type { Measured } from './measure.js';
import { formatNumber, formatTable, scenarioTable } from './stats.js';
import { flatness, type ScaleFigures } from './scale-figures.js';
import type { TenantFigures } from './tenant-memory.js';

export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  database: string;
}

export interface Target {
  name: string;
  value: string;
  met: boolean;
  /** For a missed target: where the operation's time and commands went (see whereTheTimeGoes). */
  where?: string;
}

export interface BenchReport {
  takenAt: string;
  machine: Machine;
  settings: Record<string, unknown>;
  crypto: CryptoBounds;
  dbRoundTrips: RoundTrip[];
  scenarios: Measured[];
  tenants?: TenantFigures;
  /** Ours against the fair and the bare baseline, flow by flow. */
  comparisons: Comparison[];
  /** The flows measured with the bench tenant small, then grown (--scale). */
  scale?: ScaleFigures;
  targets: Target[];
}

export function describeMachine(database: string): Machine {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: the model stays unknown
  }
  return { cores: availableParallelism(), cpu, memoryGb: Math.round(totalmem() / 1024 ** 3), node: process.version, database };
}

/** `2026-05-01-2c-amd-epyc`: the date and enough of the machine to tell result files apart. */
export function resultFileName(takenAt: string, machine: Machine): string {
  const cpu = machine.cpu.toLowerCase().replace(/\(.*?\)/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return `${takenAt.slice(0, 10)}-${machine.cores}c-${cpu}.json`;
}

export function renderReport(report: BenchReport): string {
  const { machine, crypto, tenants } = report;
  const lines = [
    `Machine: ${machine.cores} cores, ${machine.cpu}, ${machine.memoryGb} GB, Node ${machine.node}, database ${machine.database}`,
    '',
    scenarioTable(report.scenarios),
    '',
    formatTable(
      ['figure', 'value'],
      [
        [`argon2id m=${crypto.argon2.memoryCost} KiB t=${crypto.argon2.timeCost} p=${crypto.argon2.parallelism}`, `${formatNumber(crypto.argon2.medianMs)} ms (median of ${crypto.argon2.samples})`],
        ['argon2 bound on sign-ins', `${formatNumber((machine.cores * 1000) / crypto.argon2.medianMs)} sign-ins/s (${machine.cores} cores / hash time)`],
        ['ES256 signatures', `${formatNumber(crypto.signPerSecond.ES256.oneStream)}/s one stream, ${formatNumber(crypto.signPerSecond.ES256.twoStreams)}/s two`],
        ['RS256 signatures', `${formatNumber(crypto.signPerSecond.RS256.oneStream)}/s one stream, ${formatNumber(crypto.signPerSecond.RS256.twoStreams)}/s two`],
        ...report.dbRoundTrips.map((r) => [`database read: ${r.what}`, `${formatNumber(r.medianMs)} ms median, ${formatNumber(r.p99Ms)} ms p99 (${r.documents.toLocaleString('en-US')} documents)`]),
        ...(tenants
          ? [
              ['tenant provider built from cold', `${formatNumber(tenants.coldBuildMs.median)} ms median, ${formatNumber(tenants.coldBuildMs.p99)} ms p99 (${tenants.coldBuildMs.samples} tenants)`],
              [`server memory, ${tenants.activeTenants} tenants active`, `${formatNumber(tenants.rssMb.after)} MB RSS (${formatNumber(tenants.rssMb.before)} MB with 1; ${tenants.rssMb.perTenantKb} KB per tenant; heap ${formatNumber(tenants.heapUsedMb)} MB)${tenants.rssMb.atEnd ? `; ${formatNumber(tenants.rssMb.atEnd)} MB at the end of the run` : ''}`],
              ['tenant creation (keys included)', `${tenants.createMsPerTenant} ms per tenant, 4 at a time`],
            ]
          : []),
      ],
    ),
    '',
    ...(report.comparisons.length ? [renderComparisons(report.comparisons), ''] : []),
    ...(report.scale ? [renderScale(report.scale), ''] : []),
    formatTable(
      ['target', 'value', 'met'],
      report.targets.map((t) => [t.name, t.value, t.met ? 'yes' : 'NO']),
    ),
    ...report.targets.filter((t) => t.where).map((t) => `\n${t.name}, missed: ${t.where}`),
  ];
  return lines.join('\n');
}

/** Commands and database CPU per operation with the tenant small and large, and how much each grew. */
export function renderScale(scale: ScaleFigures): string {
  const size = (p: ScaleFigures['small']) => `${p.users.toLocaleString('en-US')} users, ${p.oidcEntries.toLocaleString('en-US')} entries`;
  return formatTable(
    ['flow', `commands per op: ${size(scale.small)} / ${size(scale.large)}`, 'db CPU ms per op: small / large', 'growth: commands / db CPU'],
    flatness(scale).map((row) => {
      const small = scale.small.runs[row.flow]!.attribution;
      const large = row.large.attribution;
      return [
        row.flow,
        `${formatNumber(small.db?.commandsPerOp ?? Number.NaN)} / ${formatNumber(large.db?.commandsPerOp ?? Number.NaN)}`,
        `${formatNumber(small.cpuMsPerOp.database ?? Number.NaN)} / ${formatNumber(large.cpuMsPerOp.database ?? Number.NaN)}`,
        `${formatNumber(row.commandsRatio)} x / ${formatNumber(row.dbCpuRatio)} x`,
      ];
    }),
  );
}

/** Where each scenario's time went: cores per process and database commands per operation. */
export function renderAttribution(scenarios: readonly Measured[]): string {
  return formatTable(
    [
      'scenario',
      'cores: server / database / load generator / bare baseline / fair baseline / its database / other',
      'CPU ms per op: server / database / bare baseline / fair baseline / its database',
      'db commands per op',
      'db wait ms per op',
      'db in flight',
      'oidc entries at start',
    ],
    scenarios.map((s) => {
      const c = s.attribution.cores;
      const m = s.attribution.cpuMsPerOp;
      const db = s.attribution.db;
      return [
        s.name,
        [c.server, c.database, c.generator, c.baseline, c.fairBaseline, c.fairDatabase, c.other].map((v) => formatNumber(v ?? Number.NaN)).join(' / '),
        [m.server, m.database, m.baseline, m.fairBaseline, m.fairDatabase].map((v) => formatNumber(v ?? Number.NaN)).join(' / '),
        db ? formatNumber(db.commandsPerOp) : '',
        db ? formatNumber(db.waitMsPerOp) : '',
        db ? formatNumber(db.inFlight) : '',
        s.attribution.context?.oidcEntries?.toLocaleString('en-US') ?? '',
      ];
    }),
  );
}
