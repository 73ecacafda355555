import { readdirSync, rmSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalDatabase, LocalDatabaseOptions } from '../../src/db/local-database.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs whose process was killed never reached their teardown; their data folders are removed here. */
function removeAbandonedRuns(dataRoot: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dataRoot);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(/^test-(\d+)$/.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) rmSync(join(dataRoot, entry), { recursive: true, force: true });
  }
}

type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;

/**
 * Jest loads global setup as CommonJS and without moduleNameMapper, so the `.js` specifiers that NodeNext
 * demands in src/ would not reach their `.ts` sources; they are redirected while the launcher loads.
 */
async function loadLauncher(): Promise<(opts: LocalDatabaseOptions) => Promise<LocalDatabase>> {
  const loader = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = loader._resolveFilename;
  loader._resolveFilename = function (request, ...rest) {
    try {
      return original.call(this, request, ...rest);
    } catch (error) {
      if (!/^\.\.?\//.test(request) || !request.endsWith('.js')) throw error;
      return original.call(this, `${request.slice(0, -3)}.ts`, ...rest);
    }
  };
  try {
    return (await import('../../src/db/local-database.js')).startLocalDatabase;
  } finally {
    loader._resolveFilename = original;
  }
}

/** One server for the whole run; each test file gets its own database on it (see database.ts). */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  const dataRoot = join(root, '.data');
  removeAbandonedRuns(dataRoot);
  const startLocalDatabase = await loadLauncher();
  const database = await startLocalDatabase({
    dataDir: join(dataRoot, `test-${process.pid}`),
    toolsDir: join(root, '.tools'),
    ephemeral: true,
    log: (msg) => process.stderr.write(`[test database] ${msg}\n`),
  });
  // Global setup and teardown run in the same process, so the handle can wait there.
  (globalThis as { idpTestDatabase?: LocalDatabase }).idpTestDatabase = database;
  // Workers are forked after global setup and inherit this.
  process.env.IDP_TEST_MONGODB_URI = database.uri;
}
