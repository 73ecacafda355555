// npm run bench:backup [-- --sizes=10000,100000]
// Backs up and restores a tenant of N users (10k, then 100k) on a local database and prints the time and the
// peak memory of each run. Streaming means memory must not grow with the data: the peaks at both sizes are
// printed side by side. Users go in with insertMany, their personal fields sealed by FieldCipher and one
// precomputed password hash (argon2 per user would measure argon2, not backups).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runWithContext } from '../src/audit/request-context.js';
import { registryPath } from '../src/backup/registry-file.js';
import { MasterKey } from '../src/crypto/master-key.js';
import { connectDatabase, type Database } from '../src/db/database.js';
import { newId } from '../src/db/ids.js';
import { startLocalDatabase } from '../src/db/local-database.js';
import { projectRoot } from '../src/project-root.js';
import { createLogger } from '../src/observability/logger.js';
import { createServices, type Services } from '../src/services.js';
import type { TenantDoc } from '../src/tenants/tenant.model.js';

/** A failure the benchmark's change logs could not record is worth seeing in its output. */
const benchLogger = createLogger('warn');

const sizesArg = process.argv.find((a) => a.startsWith('--sizes='))?.slice('--sizes='.length);
const SIZES = (sizesArg ?? '10000,100000').split(',').map(Number);
const BATCH = 1000;
const MB = 1024 * 1024;
const ARGON2 = { argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 } };

interface Peak {
  rss: number;
  heap: number;
}

/** The highest RSS and heap seen while `work` runs, sampled every 20 ms, from a baseline after a full GC. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; peak: Peak; base: Peak }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed };
  const peak = { ...base };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const started = performance.now();
  try {
    const result = await work();
    sample();
    return { result, ms: performance.now() - started, peak, base };
  } finally {
    clearInterval(timer);
  }
}

async function addUsers(db: Database, services: Services, tenant: TenantDoc, from: number, to: number, passwordHash: string): Promise<void> {
  const cipher = services.keyring.cipherFor(tenant);
  for (let start = from; start < to; start += BATCH) {
    const docs = [];
    for (let i = start; i < Math.min(start + BATCH, to); i++) {
      const email = `person-${i}@bench.invalid`;
      docs.push({
        _id: newId('usr'),
        tenantId: tenant._id,
        email: cipher.encrypt(email, 'email'),
        emailHash: cipher.blindIndex(email, 'email'),
        emailVerified: true,
        name: cipher.encrypt(`Person ${i}`, 'name'),
        givenName: cipher.encrypt('Person', 'givenName'),
        familyName: cipher.encrypt(String(i), 'familyName'),
        locale: 'en',
        passwordHash,
        roles: ['employee'],
        status: 'active' as const,
      });
    }
    await db.models.users.insertMany(docs);
  }
}


function row(label: string, users: number, run: { ms: number; peak: Peak; base: Peak }, extra: string): string {
  const rate = Math.round(users / (run.ms / 1000));
  return [
    label.padEnd(8),
    String(users).padStart(7),
    `${(run.ms / 1000).toFixed(1)} s`.padStart(8),
    `${rate} docs/s`.padStart(13),
    `rss peak ${(run.peak.rss / MB).toFixed(0)} MB (+${((run.peak.rss - run.base.rss) / MB).toFixed(0)})`.padStart(26),
    `heap peak ${(run.peak.heap / MB).toFixed(0)} MB (+${((run.peak.heap - run.base.heap) / MB).toFixed(0)})`.padStart(26),
    extra,
  ].join('  ');
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: () => void }).gc) process.stderr.write('(run with --expose-gc for baselines after a full collection)\n');
  const scratch = mkdtempSync(join(tmpdir(), 'idp-bench-backup-'));
  const local = await startLocalDatabase({ dataDir: join(scratch, 'db'), toolsDir: join(projectRoot(), '.tools'), ephemeral: true, log: (m) => process.stderr.write(`${m}\n`) });
  const lines: string[] = [];
  let database: Database | undefined;
  try {
    const uri = `${local.uri}/bench_backup`;
    const masterKey = new MasterKey(randomBytes(32));
    database = await connectDatabase(uri);
    let services = createServices(database, masterKey, ARGON2, benchLogger);
    // Backups and restores are recorded in each tenant's change log, under the job that made them.
    const asBench = <T>(work: () => Promise<T>) => runWithContext({ actor: { type: 'job', id: 'bench' } }, work);
    const tenant = await asBench(() => services.tenants.create({ slug: 'bench', name: 'Bench' }));
    const passwordHash = await services.hasher.hash('Bench-Password-1');
    const backupDir = join(scratch, 'backups');
    let have = 0;
    for (const size of SIZES) {
      const inserting = performance.now();
      await addUsers(database, services, tenant, have, size, passwordHash);
      process.stderr.write(`${size - have} users inserted in ${((performance.now() - inserting) / 1000).toFixed(1)} s (${local.kind})\n`);
      have = size;
      const backup = await measured(() => asBench(() => services.backups.create({ dir: backupDir })));
      lines.push(row('backup', size, backup, `${(backup.result.manifest.bytes / MB).toFixed(1)} MB archive`));
      process.stderr.write(`${lines.at(-1)}\n`);
      // The database is lost whole: the restore finds the tenant's key in the registry file beside the backups.
      await database.connection.dropDatabase();
      await database.close();
      database = await connectDatabase(uri);
      const target = createServices(database, masterKey, ARGON2, benchLogger);
      const restore = await measured(() => asBench(() => target.backups.restore({ file: backup.result.file, registryFile: registryPath(backupDir) })));
      services = target;
      lines.push(row('restore', size, restore, `${restore.result.restored.users} users back`));
      process.stderr.write(`${lines.at(-1)}\n`);
    }
    process.stdout.write(
      [`Backup and restore of one tenant (${local.kind}, Node ${process.version}, gzip, 64 KiB chunks)`, ...lines, ''].join('\n'),
    );
  } finally {
    await database?.close();
    await local.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
