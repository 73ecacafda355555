import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from '../../src/db/launcher/server-process.js';
import { startLocalDatabase, type LocalDatabase } from '../../src/db/local-database.js';
import { projectRoot } from '../../src/project-root.js';
import { withDatabaseName, type TestDatabase } from './database.js';

/**
 * A database server of the calling spec's own, whose process the spec really freezes (SIGSTOP), thaws
 * (SIGCONT), kills (SIGKILL) and starts again on the same port and files: the faults production meets, made
 * the way they happen, never by mocking the driver. The shared test server is never touched.
 */
export interface FaultyDatabase {
  /** This spec's database on the server; the same URI before and after a restart. */
  database: TestDatabase;
  /** Resolves once the kernel reports the process stopped: a signal is delivered, not acted on, at once. */
  freeze(): Promise<void>;
  thaw(): void;
  kill(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultyDatabase(): Promise<FaultyDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'idp-faulty-db-'));
  const port = await freePort();
  const start = () => startLocalDatabase({ dataDir, toolsDir: join(projectRoot(), '.tools'), port });
  let server: LocalDatabase = await start();
  const uri = withDatabaseName(server.uri, 'idp_faults');
  let frozen = false;
  const database: TestDatabase = {
    uri,
    dbName: 'idp_faults',
    async drop() {
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
      try {
        await client.db().dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
  return {
    database,
    async freeze() {
      process.kill(server.pid, 'SIGSTOP');
      frozen = true;
      for (let waited = 0; !(await stopped(server.pid)); waited += 10) {
        if (waited > 5000) throw new Error(`database process ${server.pid} did not stop`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    thaw() {
      process.kill(server.pid, 'SIGCONT');
      frozen = false;
    },
    async kill() {
      process.kill(server.pid, 'SIGKILL');
      await server.stop();
    },
    async restart() {
      server = await start();
    },
    async close() {
      if (frozen) process.kill(server.pid, 'SIGCONT');
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every thread of the process in state `T` (/proc/<pid>/task/<tid>/stat): stopped by a signal. */
async function stopped(pid: number): Promise<boolean> {
  const threads = await readdir(`/proc/${pid}/task`);
  const states = await Promise.all(threads.map(async (tid) => /\) (\w)/.exec(await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8'))?.[1]));
  return states.every((state) => state === 'T');
}
