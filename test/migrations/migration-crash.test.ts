import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { MongoClient, type Db } from 'mongodb';
import { LOCK_ORIGIN_RECORDED } from '../../src/migrations/0003-user-lock-origin.migration.js';
import { projectRoot } from '../../src/project-root.js';
import { connectTestDatabase, type TestDatabase } from '../support/database.js';
import { entriesPerSubject, insertOldLockedUsers } from './support/old-shape.js';

const LABELS = ['0001-tenant-data-keys-to-registry', '0002-resource-servers-to-collection', '0003-user-lock-origin', '0004-tenant-settings-defaults'];
/** Short, so a killed holder's lease ends within the spec; renewed every third of it while held. */
const LEASE_MS = '1500';

/**
 * Real processes, killed as an operator's kill -9 or an OOM killer would: the runner (and the server) bundled
 * from the sources into .data, started with node, as test/start.test.ts starts `npm start`.
 */
describe('migrations across processes', () => {
  const root = projectRoot();
  const dir = join(root, '.data', `test-migrate-${randomBytes(4).toString('hex')}`);
  const children: ChildProcess[] = [];
  let testDb: TestDatabase;
  let mongo: MongoClient;
  let raw: Db;

  beforeAll(async () => {
    await mkdir(dir, { recursive: true });
    const bundle = (entry: string, out: string) =>
      build({ entryPoints: [join(root, entry)], outfile: join(dir, out), bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'silent' });
    await bundle('test/migrations/support/migrate-child.ts', 'migrate-child.mjs');
    await bundle('src/main.ts', 'main.mjs');
  }, 120_000);
  beforeEach(async () => {
    testDb = await connectTestDatabase();
    mongo = await MongoClient.connect(testDb.uri);
    raw = mongo.db();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await mongo.close();
    await testDb.drop();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  interface Started {
    child: ChildProcess;
    /** Resolves once the output matches. */
    printed(pattern: RegExp): Promise<string>;
    exited: Promise<{ code: number | null; output: string }>;
  }

  function start(file: string, env: Record<string, string>): Started {
    const { MONGODB_URI: _uri, IDP_TEST_MONGODB_URI: _test, ...inherited } = process.env;
    const child = spawn(process.execPath, [join(dir, file)], { cwd: root, env: { ...inherited, MONGODB_URI: testDb.uri, LEASE_MS, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const waiting: { pattern: RegExp; resolve(text: string): void }[] = [];
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      for (const w of waiting.filter((x) => x.pattern.test(output))) w.resolve(output);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.once('exit', (code) => resolve({ code, output })));
    return {
      child,
      exited,
      printed: (pattern) =>
        new Promise((resolve, reject) => {
          if (pattern.test(output)) return resolve(output);
          waiting.push({ pattern, resolve });
          void exited.then(() => reject(new Error(`exited before printing ${pattern}:\n${output}`)));
        }),
    };
  }

  it('finishes cleanly after the process running a migration is killed half-way, each change made and logged once', async () => {
    const ids = await insertOldLockedUsers(raw, 'ten_crash', 30);
    const first = start('migrate-child.mjs', { STOP_AT: '0003-user-lock-origin:12' });
    await first.printed(/midway/);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await raw.collection('migrations').findOne({ _id: 3 as never })).toMatchObject({ state: 'running', attempts: 1 });
    expect(await raw.collection('users').countDocuments({ lockedBy: 'admin' })).toBe(12);

    // The killed process's lease runs out; the rerun takes the lock, resumes 0003 and finishes it.
    const rerun = start('migrate-child.mjs', {});
    const { code, output } = await rerun.exited;
    expect(code).toBe(0);
    expect(output).toContain('Resuming migration 0003-user-lock-origin');
    expect(output).toContain(`ran ${JSON.stringify(['0003-user-lock-origin', '0004-tenant-settings-defaults'])}`);
    expect((await raw.collection('migrations').find({}).sort({ _id: 1 }).toArray()).map((r) => [r._id, r.state, r.attempts])).toEqual([[1, 'applied', 1], [2, 'applied', 1], [3, 'applied', 2], [4, 'applied', 1]]);
    expect(await raw.collection('users').countDocuments({ lockedBy: 'admin' })).toBe(30);
    expect([...(await entriesPerSubject(raw, 'ten_crash', LOCK_ORIGIN_RECORDED)).entries()].sort()).toEqual(ids.map((id) => [id, 1]));
    expect(await raw.collection('change_log').countDocuments({ tenantId: 'ten_crash', action: { $regex: /\.failed$/ } })).toBe(0);
  }, 120_000);

  it('runs each migration once when two servers start on one old-shape database at once, and both then listen', async () => {
    const ids = await insertOldLockedUsers(raw, 'ten_rush', 40);
    const env = { NODE_ENV: 'test', PORT: '0', PUBLIC_URL: 'http://127.0.0.1', IDP_MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'info', SEED_DEMO: 'false', SCHEDULER_INTERVAL_MS: '0' };
    const servers = [start('main.mjs', env), start('main.mjs', env)];
    const outputs = await Promise.all(servers.map((s) => s.printed(/Identity provider listening/)));
    const migrated = outputs.filter((o) => o.includes('Migrated the database: 0001-tenant-data-keys-to-registry, 0002-resource-servers-to-collection, 0003-user-lock-origin, 0004-tenant-settings-defaults'));
    expect(migrated).toHaveLength(1);
    expect((await raw.collection('migrations').find({}).sort({ _id: 1 }).toArray()).map((r) => [r._id, r.state, r.attempts])).toEqual([[1, 'applied', 1], [2, 'applied', 1], [3, 'applied', 1], [4, 'applied', 1]]);
    expect([...(await entriesPerSubject(raw, 'ten_rush', LOCK_ORIGIN_RECORDED)).values()]).toEqual(ids.map(() => 1));
    for (const s of servers) s.child.kill('SIGTERM');
    expect((await Promise.all(servers.map((s) => s.exited))).map((e) => e.code)).toEqual([0, 0]);
  }, 120_000);

  it('refuses to start a server on a database a newer release migrated, and says so', async () => {
    await raw.collection('migrations').insertOne({ _id: 9 as never, name: 'device-keys', state: 'applied', attempts: 1, startedAt: new Date(), appliedAt: new Date(), by: 'newer' });
    const env = { NODE_ENV: 'test', PORT: '0', PUBLIC_URL: 'http://127.0.0.1', IDP_MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent', SEED_DEMO: 'false' };
    const { code, output } = await start('main.mjs', env).exited;
    expect(code).toBe(1);
    expect(output).toContain("The database's schema is version 9, newer than this release's 4 (migrations it does not know: 0009-device-keys).");
    expect(await raw.collection('tenants').countDocuments()).toBe(0);
  }, 60_000);
});
