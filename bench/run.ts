// npm run bench [-- --quick] [-- --profile] [-- --scale]
// Starts a local database and our server in production mode (child process), seeds a bench tenant, starts two
// baselines (child processes): bare oidc-provider with its in-memory adapter, and the fair one, oidc-provider
// with its example MongoDB adapter on a local database server of its own. Drives load from this process over
// loopback and writes bench/results/<date>-<machine>.json. --quick: short runs and 100 tenants, for trying the
// bench itself; --seconds=N: each measured run lasts N seconds (sign-ins too), for a smoke run; --profile: the
// server writes a V8 CPU profile (kept with the run's data under .data/bench-*); --wait-quiet: first wait for
// the machine's load to settle; --only=cc,signin,...: just those scenarios (keys in SCENARIO_KEYS), for
// profiling one of them; --scale: sign-in, refresh, client credentials and a page of the admin list of users
// again with the bench tenant at 1,000 users, then at 100,000 users and 200,000 oidc entries (--scale-users=N:
// at N instead).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminAudience } from '../src/admin-api/admin-api.js';
import { DEFAULT_DATABASE_TIMEOUTS, loadConfig } from '../src/config.js';
import { MasterKey } from '../src/crypto/master-key.js';
import { connectDatabase } from '../src/db/database.js';
import { freePort } from '../src/db/launcher/server-process.js';
import { startLocalDatabase } from '../src/db/local-database.js';
import { projectRoot } from '../src/project-root.js';
import { createLogger } from '../src/observability/logger.js';
import { createServices } from '../src/services.js';
import { measureCryptoBounds } from './crypto-bounds.js';
import { inTurns, type Flow } from './in-turns.js';
import { Meter, type Measured } from './measure.js';
import { roundTrip } from './db-figures.js';
import { compare } from './comparison.js';
import { discover, type OidcTarget } from './oidc-flows.js';
import { CpuMeter } from './process-cpu.js';
import { startBaseline, startServer } from './stack.js';
import { describeMachine, renderAttribution, renderReport, resultFileName, type BenchReport } from './report.js';
import * as s from './scenarios.js';
import { benchLock, decisions, eventUploads } from './access-scenarios.js';
import { BENCH_TENANT, REDIRECT_URI, RESOURCE, seedBenchTenant } from './seed.js';
import { formatNumber } from './stats.js';
import { measureScale } from './scale.js';
import { CPU_OF, evaluateTargets, type Trio } from './targets.js';
import { metric, tenantFigures, type TenantFigures } from './tenant-memory.js';
import { HttpClient } from './user-agent.js';

/** A failure the benchmark's change logs could not record is worth seeing in its output. */
const benchLogger = createLogger('warn');

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const profile = args.has('--profile');
const SCENARIO_KEYS = ['discovery', 'jwks', 'cc', 'signin', 'refresh', 'introspection', 'userinfo', 'admin', 'decisions', 'events', 'tenants'] as const;
const option = (name: string) => [...args].find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const onlyArg = option('only');
const only = new Set(onlyArg ? onlyArg.split(',') : SCENARIO_KEYS);
const wanted = (key: (typeof SCENARIO_KEYS)[number]) => only.has(key);
const seconds = Number(option('seconds') ?? Number.NaN);
const load: s.Load = quick
  ? { connections: 16, durationS: 3, warmupS: 1, signInUsers: 8, signInS: 5, refreshUsers: 16, refreshS: 3, rounds: 1 }
  : { connections: 16, durationS: 10, warmupS: 2, signInUsers: 8, signInS: 20, refreshUsers: 16, refreshS: 20, rounds: 4 };
if (seconds > 0) Object.assign(load, { durationS: seconds, signInS: seconds, refreshS: seconds, warmupS: Math.min(load.warmupS, seconds) });
const scale = args.has('--scale') ? { smallUsers: 1000, largeUsers: Number(option('scale-users') ?? 100_000) } : undefined;
const TENANTS = quick ? 100 : 999;
const say = (line: string) => process.stdout.write(`bench: ${line}\n`);
/** What to stop and close, newest first, whether the run ends, fails or is interrupted. */
const cleanups: (() => Promise<void>)[] = [];
async function runCleanups(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!().catch((e: unknown) => say(`cleanup: ${String(e)}`));
}

async function main(): Promise<void> {
  const root = projectRoot();
  const takenAt = new Date().toISOString();
  const workDir = join(root, '.data', `bench-${takenAt.replace(/[:.]/g, '-')}`);
  mkdirSync(workDir, { recursive: true });
  const argon2 = loadConfig({}).argon2; // the defaults a production deployment runs with
  let failed = false;
  // Stopped from outside (Ctrl-C, a timeout): the children and the database go too, and the data is kept.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping; logs kept in ${workDir}`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
  try {
    if (args.has('--wait-quiet')) await waitForQuiet();
    const loadAverage = loadavg().map((v) => Math.round(v * 100) / 100);
    say(`load average ${loadAverage.join(' ')}; measuring argon2id and signature rates`);
    const crypto = await measureCryptoBounds(argon2, { argon2Samples: 20, signMs: 2000 });

    const dbDir = join(workDir, 'db');
    const local = await startLocalDatabase({ dataDir: dbDir, toolsDir: join(root, '.tools'), ephemeral: true, log: say });
    cleanups.push(() => local.stop());
    // The fair baseline's own server, so neither side's data or load reaches the other's database.
    const fairDbDir = join(workDir, 'db-fair');
    const fairDb = await startLocalDatabase({ dataDir: fairDbDir, toolsDir: join(root, '.tools'), ephemeral: true, log: say });
    cleanups.push(() => fairDb.stop());
    const masterKey = randomBytes(32);
    // The bench's own connection seeds in bulk and counts whole collections (--scale: 100,000 users), which on
    // the local database can take longer than a request's reply ever should: its replies may take minutes.
    const db = await connectDatabase(local.uri, { timeouts: { ...DEFAULT_DATABASE_TIMEOUTS, socketTimeoutMs: 300_000 } });
    cleanups.push(() => db.close());
    const services = createServices(db, new MasterKey(masterKey), { argon2 }, benchLogger);
    const seed = await seedBenchTenant(services, 8);

    const [port, probePort, baselinePort, fairPort, fairProbePort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${port}`;
    const server = await startServer({ root, workDir, port, probePort, mongodbUri: local.uri, masterKey, argon2, profile });
    cleanups.push(() => server.stop());
    const baselineSettings = { argon2, clientId: seed.app.clientId, clientSecret: seed.app.clientSecret, redirectUri: REDIRECT_URI, resource: RESOURCE, users: seed.users };
    const baselineChild = await startBaseline(root, workDir, { ...baselineSettings, port: baselinePort }, undefined, profile);
    cleanups.push(() => baselineChild.stop());
    const fairChild = await startBaseline(root, workDir, { ...baselineSettings, port: fairPort, mongodb: { uri: fairDb.uri } }, fairProbePort, profile);
    cleanups.push(() => fairChild.stop());

    const http = new HttpClient();
    cleanups.push(async () => http.close());
    const common = { clientId: seed.app.clientId, clientSecret: seed.app.clientSecret, redirectUri: REDIRECT_URI, resource: RESOURCE, users: seed.users };
    const ours = await discover(http, { label: 'ours', issuer: `${publicUrl}/t/${BENCH_TENANT}`, probe: 'ours', ...common });
    const baseline = await discover(http, { label: 'bare baseline', issuer: `http://127.0.0.1:${baselinePort}`, ...common });
    const fair = await discover(http, { label: 'fair baseline', issuer: `http://127.0.0.1:${fairPort}`, probe: 'fair', ...common });

    const dbPid = (dir: string) => (JSON.parse(readFileSync(join(dir, 'launcher.json'), 'utf8')) as { server: number }).server;
    const cpu = new CpuMeter({
      [CPU_OF.ours]: server.pid,
      [CPU_OF.oursDb]: dbPid(dbDir),
      generator: process.pid,
      [CPU_OF.bare]: baselineChild.pid,
      [CPU_OF.fair]: fairChild.pid,
      [CPU_OF.fairDb]: dbPid(fairDbDir),
    });
    const entries = db.models.oidcEntries;
    // On a server that scans (FerretDB v1 uses an index for a lookup by _id alone), each query's cost grows with this.
    const context = async () => ({ oidcEntries: await entries.estimatedDocumentCount() });
    const probes = { ours: `http://127.0.0.1:${probePort}/`, fair: `http://127.0.0.1:${fairProbePort}/` };
    const servers = [CPU_OF.ours, CPU_OF.oursDb, CPU_OF.fair, CPU_OF.fairDb, CPU_OF.bare];
    const deps: s.ScenarioDeps = { http, meter: new Meter(cpu, probes, context, servers), load };

    const users = db.models.users;
    const someUser = (await users.findOne({ tenantId: seed.tenant._id }).lean())!;
    const roundTrips = [await roundTrip('user by id (tenantId, _id)', await users.estimatedDocumentCount(), () => users.findOne({ tenantId: seed.tenant._id, _id: someUser._id }).lean())];

    const scenarios: Measured[] = [];
    const step = async (scenario: Measured | Promise<Measured>) => {
      const r = await scenario;
      scenarios.push(r);
      say(`${r.name}: ${formatNumber(r.perSecond)} ${r.unit}/s, p50 ${formatNumber(r.p50Ms)} ms, p99 ${formatNumber(r.p99Ms)} ms, ${r.errors} errors${r.firstError ? ` (${r.firstError})` : ''}`);
      return r;
    };
    const noted = (t: Trio): Trio => {
      t.ours.note = `${formatNumber(t.ours.perSecond / t.fair!.perSecond)} x fair, ${formatNumber(t.ours.perSecond / t.bare!.perSecond)} x bare`;
      return t;
    };
    // A flow of single requests against ours, the fair baseline and the bare one, one after the other.
    const trio = async (flow: (deps: s.ScenarioDeps, target: OidcTarget) => Promise<Measured>): Promise<Trio> =>
      noted({ ours: await step(flow(deps, ours)), fair: await step(flow(deps, fair)), bare: await step(flow(deps, baseline)) });
    // A flow of people (sign-ins, refreshing apps) against the three, measured in turns (bench/in-turns.ts).
    const trioInTurns = async (flow: (deps: s.ScenarioDeps, target: OidcTarget) => Flow | Promise<Flow>, durationS: number): Promise<Trio> => {
      const flows = [await flow(deps, ours), await flow(deps, fair), await flow(deps, baseline)];
      const serverOf = [CPU_OF.ours, CPU_OF.fair, CPU_OF.bare];
      const onTurn = (round: number, flow: number, m: Measured) =>
        say(`  round ${round + 1}/${load.rounds}, ${m.name}: ${formatNumber(m.perSecond)} ${m.unit}/s, server CPU ${formatNumber(m.attribution.cpuMsPerOp[serverOf[flow]!] ?? Number.NaN)} ms per op`);
      const measured = await inTurns(deps.meter, flows, { rounds: load.rounds, durationS, warmupS: load.warmupS, onTurn });
      for (const m of measured) await step(m);
      const [o, f, b] = measured;
      return noted({ ours: o!, fair: f, bare: b });
    };
    // What each server sends and spends with nobody asking (outbox pollers, job locks, timers): left out of every
    // scenario's commands and CPU.
    for (const probe of ['ours', 'fair']) {
      const idle = await deps.meter.measureIdle(probe, quick ? 2 : 6);
      say(`${probe}, idle: ${Object.entries(idle).map(([name, rate]) => `${name} ${formatNumber(rate)}/s`).join(', ') || 'no commands'}`);
    }
    const idleCpuMsPerS = deps.meter.idleCpuMsPerS();
    say(`CPU while idle, ms per second: ${Object.entries(idleCpuMsPerS).map(([name, ms]) => `${name} ${formatNumber(ms)}`).join(', ')}`);
    // Tenants first, on a server that has only started: its memory with 1,000 tenants is what they cost, not what
    // the load of the other scenarios (argon2's blocks, V8's grown heap) or 100,000 users left; the server's
    // memory at the end of the run is reported beside it. The scenarios after run with the 1,000 tenants active.
    let tenants: TenantFigures | undefined;
    if (wanted('tenants')) {
      say(`creating ${TENANTS} tenants and building each one's provider`);
      tenants = await tenantFigures(http, services, publicUrl, TENANTS, 1, deps.meter, say);
    }
    if (wanted('discovery')) await step(s.discovery(deps, ours));
    if (wanted('jwks')) await step(s.jwks(deps, ours));
    const cc = wanted('cc') ? await trio(s.clientCredentialsLoad) : undefined;
    const signIn = wanted('signin') ? await trioInTurns(s.signInFlow, load.signInS) : undefined;
    if (signIn) {
      const bound = (describeMachine(local.kind).cores * 1000) / crypto.argon2.medianMs;
      for (const m of [signIn.ours, signIn.fair!, signIn.bare!]) m.note = `${m.note ? `${m.note}; ` : ''}${formatNumber((m.perSecond / bound) * 100)}% of argon2 bound`;
    }
    const refresh = wanted('refresh') ? await trioInTurns(s.refreshFlow, load.refreshS) : undefined;
    const tokens = wanted('introspection') || wanted('userinfo') ? await s.tokensFor(deps, ours, 16) : [];
    if (wanted('introspection')) await step(s.introspection(deps, ours, tokens));
    const userinfo = wanted('userinfo') ? await step(s.userinfo(deps, ours, tokens)) : undefined;
    // A token of its own for each run: an admin token lives minutes, and the --scale runs come long after the others.
    const adminToken = () => s.adminToken(http, ours.endpoints.token, seed.admin, adminAudience(publicUrl));
    const listUsers = async (name?: string) => s.adminListUsers(deps, publicUrl, BENCH_TENANT, await adminToken(), name);
    if (wanted('admin')) {
      await step(s.adminCreateUser(deps, publicUrl, BENCH_TENANT, await adminToken()));
      await step(listUsers());
    }
    if (wanted('decisions') || wanted('events')) {
      const lock = await benchLock(services, seed.tenant, ours.issuer);
      if (wanted('decisions')) await step(decisions(deps, ours.issuer, lock));
      if (wanted('events')) await step(eventUploads(deps, ours.issuer, lock));
    }
    const entry = await entries.findOne({ tenantId: seed.tenant._id }).lean();
    if (entry) {
      const count = await entries.estimatedDocumentCount();
      roundTrips.push(
        await roundTrip('oidc entry as the adapter reads it (scoped _id)', count, () => entries.findOne({ _id: entry._id }).lean()),
        await roundTrip('the same entry by tenantId, kind, id (no _id)', count, () => entries.findOne({ tenantId: entry.tenantId, kind: entry.kind, id: entry.id }).lean()),
      );
    }
    const scaleFigures = scale ? await measureScale({ db, services, tenant: seed.tenant, deps, ours, ...scale, say, step, listUsers }) : undefined;

    if (tenants) {
      scenarios.push(tenants.builds);
      tenants.rssMb.atEnd = Math.round((await metric(http, publicUrl, 'process_resident_memory_bytes')) / 1024 / 1024);
    }
    const machine = describeMachine(`${db.capabilities.server} ${db.capabilities.version} (${local.kind})`);
    const report: BenchReport = {
      takenAt,
      machine,
      settings: { ...load, tenants: TENANTS, argon2, quick, profile, only: [...only], scale, loadAverageAtStart: loadAverage, idleCpuMsPerS },
      crypto,
      dbRoundTrips: roundTrips,
      scenarios,
      tenants,
      comparisons: [cc && compare('client credentials', cc), signIn && compare('whole sign-in', signIn), refresh && compare('refresh', refresh)].filter((c) => c !== undefined),
      scale: scaleFigures,
      targets: evaluateTargets({ scenarios, tenants, clientCredentials: cc, signIn, refresh, userinfo, scale: scaleFigures, cores: availableParallelism() }),
    };
    const file = join(root, 'bench', 'results', resultFileName(takenAt, machine).replace(/\.json$/, quick || onlyArg || seconds > 0 || (scale && scale.largeUsers < 100_000) ? '-partial.json' : '.json'));
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(`\n${renderReport(report)}\n\nWhere the time went:\n\n${renderAttribution(scenarios)}\n\nwritten ${file}\n`);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    await runCleanups();
    if (profile || failed) say(`logs${profile ? ' and profiles' : ''} kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

/** Other work on a shared machine skews every figure: wait (at most 20 minutes) for the 1-minute load to settle. */
async function waitForQuiet(): Promise<void> {
  for (let waited = 0; loadavg()[0]! > 0.5 && waited < 20 * 60; waited += 15) {
    if (waited % 60 === 0) say(`waiting for a quiet machine (load average ${loadavg()[0]!.toFixed(2)})`);
    await sleep(15_000);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
