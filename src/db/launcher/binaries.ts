import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The part of scripts/ferretdb-install.mjs used here; that script is shared with the dependency-free bootstrap. */
interface FerretdbInstaller {
  FERRETDB_VERSION: string;
  findExecutable(name: string): string | undefined;
  ensureFerretdb(opts: { toolsDir: string; log?: (msg: string) => void }): Promise<string>;
}

const INSTALLER = join('scripts', 'ferretdb-install.mjs');

// This module runs from src/db/launcher (jest) and from dist/src/db/launcher (tsc output), and dist may hold
// a copied package.json, so the root is the first ancestor that really has the scripts folder.
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, INSTALLER))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${INSTALLER} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

let installer: Promise<FerretdbInstaller> | undefined;

function loadInstaller(): Promise<FerretdbInstaller> {
  const path = join(projectRoot(), INSTALLER);
  // Jest runs global setup as CommonJS, where import() becomes require(), which takes a path but no URL.
  installer ??= import(typeof require === 'function' ? path : pathToFileURL(path).href) as Promise<FerretdbInstaller>;
  return installer;
}

export async function findMongod(): Promise<string | undefined> {
  return (await loadInstaller()).findExecutable('mongod');
}

export async function ferretdbBinary(toolsDir: string, log: (msg: string) => void): Promise<string> {
  return (await loadInstaller()).ensureFerretdb({ toolsDir, log });
}

interface MemoryServerModule {
  MongoBinary?: { getPath(): Promise<string> };
}

const MEMORY_SERVER_TIMEOUT_MS = 15_000;

/**
 * The mongod binary that mongodb-memory-server has cached or can download, if that optional package is
 * installed. It is not a dependency; machines without internet access fail its download, which must cost
 * little time before the FerretDB fallback is tried.
 */
export async function memoryServerBinary(log: (msg: string) => void): Promise<string | undefined> {
  const specifier = 'mongodb-memory-server';
  let timer: NodeJS.Timeout | undefined;
  try {
    const module = (await import(specifier)) as MemoryServerModule & { default?: MemoryServerModule };
    const getPath = module.MongoBinary?.getPath ?? module.default?.MongoBinary?.getPath;
    if (!getPath) return undefined;
    const lookup = getPath.call(module.MongoBinary ?? module.default?.MongoBinary);
    lookup.catch(() => undefined);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no binary within ${MEMORY_SERVER_TIMEOUT_MS / 1000} s`)), MEMORY_SERVER_TIMEOUT_MS);
      timer.unref();
    });
    const binary = await Promise.race([lookup, timeout]);
    return existsSync(binary) ? binary : undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') {
      log(`mongodb-memory-server is not usable: ${error instanceof Error ? error.message : String(error)}`);
    }
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
