import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { MasterKey } from '../../src/crypto/master-key.js';
import { connectDatabase, type Database } from '../../src/db/database.js';
import { freePort } from '../../src/db/launcher/server-process.js';
import { createLogger } from '../../src/observability/logger.js';
import { Readiness } from '../../src/observability/readiness.js';
import { TenantKeyRegistry } from '../../src/privacy/tenant-key-registry.js';
import { projectRoot } from '../../src/project-root.js';
import { checkMasterKeyAtStart, MasterKeyMismatchError } from '../../src/runtime/master-key-check.js';
import { withDatabaseName } from '../support/database.js';
import { startFaultyDatabase, type FaultyDatabase } from '../support/faulty-database.js';

interface Started {
  /** Everything printed so far. */
  output(): string;
  /** Resolves once the server listens; rejects if it exits first. */
  listening: Promise<void>;
  exited: Promise<number | null>;
  /** Ctrl-C to the whole process group, then its exit. */
  stop(): Promise<number | null>;
}

/**
 * A process started with another master key than the one its database's data was sealed with would report
 * ready and answer every tenant request with a 500: a rolling deploy would go live broken. It refuses to start,
 * saying what is wrong without saying anything of a key; with the right key it starts and is ready. Real
 * processes, as an operator starts them (`npm start`), on a database of this spec's own.
 */
describe('starting with a master key', () => {
  const root = projectRoot();
  const dataDir = join(root, '.data', `test-key-check-${randomBytes(4).toString('hex')}`);
  const database = withDatabaseName(process.env.MONGODB_URI ?? process.env.IDP_TEST_MONGODB_URI!, `idp_key_check_${randomBytes(4).toString('hex')}`);
  const keyA = randomBytes(32).toString('base64');
  const keyB = randomBytes(32).toString('base64');
  let port: number;
  const running: Started[] = [];

  beforeAll(async () => {
    port = await freePort();
  });
  afterAll(async () => {
    for (const server of running) await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    const client = await MongoClient.connect(database);
    await client.db().dropDatabase();
    await client.close();
  });

  function start(masterKey: string): Started {
    const { MONGODB_URI: _uri, IDP_TEST_MONGODB_URI: _test, IDP_MASTER_KEY: _key, ...env } = process.env;
    const child = spawn('npm', ['start'], {
      cwd: root,
      env: { ...env, MONGODB_URI: database, IDP_MASTER_KEY: masterKey, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own: npm and the server are stopped together, as by Ctrl-C.
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', () => /Identity provider listening/.test(output) && resolve());
      void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
    });
    listening.catch(() => undefined);
    const started: Started = {
      output: () => output,
      listening,
      exited,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGINT');
        return exited;
      },
    };
    running.push(started);
    return started;
  }

  const readyz = () => fetch(`http://127.0.0.1:${port}/readyz`);

  it('starts and is ready with the key its data is made with', async () => {
    const first = start(keyA);
    await first.listening;
    expect((await readyz()).status).toBe(200);
    await first.stop();
    // npm itself ends by the signal; the server's own last words say it stopped cleanly.
    expect(first.output()).toMatch(/"msg":"stopped"/);
  }, 300_000);

  it('refuses to start with another key: exits non-zero, names the problem and not the key, and never listens', async () => {
    const wrong = start(keyB);
    const code = await wrong.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const output = wrong.output();
    expect(output).toContain('Refusing to start: IDP_MASTER_KEY does not open the data in this database');
    expect(output).not.toContain(keyB);
    expect(output).not.toContain(keyA);
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).not.toContain('Identity provider listening');
    await expect(readyz()).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  }, 120_000);

  it('starts again with the right key afterwards: the refusal changed nothing', async () => {
    const again = start(keyA);
    await again.listening;
    expect((await readyz()).status).toBe(200);
    await again.stop();
    expect(again.output()).toMatch(/"msg":"stopped"/);
  }, 120_000);
});

/**
 * A check that cannot run (the database process is dead) leaves the process not ready, never ready unchecked;
 * it is tried again until it has run, with whichever outcome.
 */
describe('a master key check that cannot run at start', () => {
  let faulty: FaultyDatabase;
  let db: Database;
  const keyA = new MasterKey(randomBytes(32));

  beforeAll(async () => {
    faulty = await startFaultyDatabase();
    db = await connectDatabase(faulty.database.uri, { timeouts: { serverSelectionTimeoutMs: 1000, socketTimeoutMs: 1000 } });
    await new TenantKeyRegistry(db.models.tenantKeys, keyA).create('ten_sealed');
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await faulty?.close();
  }, 60_000);

  async function checkWhileDatabaseIsDead(masterKey: MasterKey) {
    const readiness = new Readiness(() => db.connection.db!);
    const mismatches: MasterKeyMismatchError[] = [];
    await faulty.kill();
    await checkMasterKeyAtStart({ db, masterKey, readiness, logger: createLogger('silent'), onMismatch: (err) => void mismatches.push(err), retryMs: 200 });
    const whileDead = await readiness.state();
    await faulty.restart();
    return { readiness, mismatches, whileDead };
  }

  async function eventually(condition: () => Promise<boolean>): Promise<void> {
    for (let waited = 0; waited < 30_000; waited += 200) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('not within 30 s');
  }

  it('is not ready until the check has run, and ready once it passed', async () => {
    const { readiness, mismatches, whileDead } = await checkWhileDatabaseIsDead(keyA);
    expect(whileDead).toEqual({ ready: false, reason: 'master key not checked yet' });
    await eventually(async () => (await readiness.state()).ready);
    expect(mismatches).toEqual([]);
  }, 90_000);

  it('reports a wrong key once the check can run, and stays not ready', async () => {
    const { readiness, mismatches, whileDead } = await checkWhileDatabaseIsDead(new MasterKey(randomBytes(32)));
    expect(whileDead).toEqual({ ready: false, reason: 'master key not checked yet' });
    await eventually(async () => mismatches.length > 0);
    expect(mismatches[0]).toBeInstanceOf(MasterKeyMismatchError);
    expect(await readiness.state()).toEqual({ ready: false, reason: 'master key not checked yet' });
  }, 90_000);
});
