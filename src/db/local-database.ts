import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ferretdbBinary, findMongod, memoryServerBinary } from './launcher/binaries.js';
import { freePort, PortInUseError, startServerProcess, type ServerProcess } from './launcher/server-process.js';

export interface LocalDatabase {
  uri: string;
  kind: 'mongod' | 'memory-server' | 'ferretdb';
  /** The server process, for operators (and fault specs) who signal it directly. */
  pid: number;
  stop(): Promise<void>;
}

export interface LocalDatabaseOptions {
  /** Server data lives here, one subfolder per server kind because their files are not interchangeable. */
  dataDir: string;
  /** Where tools built on demand (FerretDB) are kept between runs. */
  toolsDir: string;
  /** Fixed port; a free one is chosen when absent. */
  port?: number;
  log?: (msg: string) => void;
  /** Remove dataDir on stop. */
  ephemeral?: boolean;
}

interface Candidate {
  kind: LocalDatabase['kind'];
  binary: string;
  args(dir: string, port: number): string[];
}

function mongodCandidate(kind: 'mongod' | 'memory-server', binary: string): Candidate {
  return { kind, binary, args: (dir, port) => ['--dbpath', dir, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'] };
}

/**
 * How FerretDB is started on SQLite files in `dir`, listening on loopback at `port`. `sqliteQuery` adds
 * parameters to the SQLite URL (`?_pragma=...`), for specs that change SQLite's own settings.
 */
export function ferretdbArgs(dir: string, port: number, sqliteQuery = ''): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/${sqliteQuery}`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${dir}`,
    // The debug listener has a fixed default port that would collide between instances.
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=WARN',
  ];
}

function ferretdbCandidate(binary: string): Candidate {
  return { kind: 'ferretdb', binary, args: (dir, port) => ferretdbArgs(dir, port) };
}

/** Local servers in order of preference: a real mongod first, FerretDB only as the last resort. */
async function chooseServer(toolsDir: string, log: (msg: string) => void): Promise<Candidate> {
  const mongod = await findMongod();
  if (mongod) return mongodCandidate('mongod', mongod);
  const memoryServer = await memoryServerBinary(log);
  if (memoryServer) return mongodCandidate('memory-server', memoryServer);
  return ferretdbCandidate(await ferretdbBinary(toolsDir, log));
}

const OWNER_FILE = 'launcher.json';

interface Owner {
  parent: number;
  server: number;
  uri: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(dataDir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * The URI of the local server another process (the server, usually) already runs on `dataDir`, so a second
 * process (the CLI) joins it instead of starting a rival server on the same files. Undefined when none runs.
 */
export function runningLocalDatabase(dataDir: string): string | undefined {
  const owner = readOwner(resolve(dataDir));
  return owner?.uri && isAlive(owner.server) && isAlive(owner.parent) ? owner.uri : undefined;
}

/**
 * A launcher whose process died without stop() leaves its server running on the same files; that orphan is
 * ended here so that a restart does not fight it for the data. A live owner means the data is really in use.
 */
async function claimDataDir(dataDir: string): Promise<void> {
  const owner = readOwner(dataDir);
  if (!owner || !isAlive(owner.server)) return;
  if (isAlive(owner.parent)) {
    throw new Error(`${dataDir} is in use by a database server (pid ${owner.server}) of process ${owner.parent}`);
  }
  let command = '';
  try {
    command = readFileSync(`/proc/${owner.server}/cmdline`, 'utf8');
  } catch {
    // no procfs: the pid alone is not trustworthy enough to kill
  }
  if (!/mongod|ferretdb/.test(command)) return;
  process.kill(owner.server, 'SIGTERM');
  for (let waited = 0; waited < 5000 && isAlive(owner.server); waited += 100) await sleep(100);
  if (isAlive(owner.server)) process.kill(owner.server, 'SIGKILL');
}

export async function startLocalDatabase(opts: LocalDatabaseOptions): Promise<LocalDatabase> {
  const log = opts.log ?? (() => undefined);
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  let started: { server: ServerProcess; kind: LocalDatabase['kind']; port: number };
  try {
    await claimDataDir(dataDir);
    started = await startServer(dataDir, opts, log);
  } catch (error) {
    if (opts.ephemeral) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { server, kind, port } = started;

  const uri = `mongodb://127.0.0.1:${port}`;
  const ownerFile = join(dataDir, OWNER_FILE);
  writeFileSync(ownerFile, JSON.stringify({ parent: process.pid, server: server.child.pid ?? 0, uri } satisfies Owner));
  // Best effort for a parent that exits without stop(); the server itself gets SIGTERM from startServerProcess.
  const cleanUpOnExit = () => rmSync(opts.ephemeral ? dataDir : ownerFile, { recursive: true, force: true });
  process.on('exit', cleanUpOnExit);

  let stopping: Promise<void> | undefined;
  server.child.once('exit', (code, signal) => {
    if (!stopping) log(`${kind} on port ${port} exited unexpectedly (${code ?? signal})`);
  });
  return {
    uri,
    kind,
    pid: server.child.pid ?? 0,
    stop: () =>
      (stopping ??= (async () => {
        process.off('exit', cleanUpOnExit);
        await server.stop();
        await rm(opts.ephemeral ? dataDir : ownerFile, { recursive: true, force: true });
      })()),
  };
}

async function startServer(dataDir: string, opts: LocalDatabaseOptions, log: (msg: string) => void) {
  const candidate = await chooseServer(resolve(opts.toolsDir), log);
  const serverDir = join(dataDir, candidate.kind === 'ferretdb' ? 'ferretdb' : 'mongod');
  mkdirSync(serverDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    log(`starting ${candidate.kind} on 127.0.0.1:${port} with data in ${serverDir}`);
    try {
      const server = await startServerProcess(candidate.binary, candidate.args(serverDir, port), port);
      return { server, kind: candidate.kind, port };
    } catch (error) {
      if (!(error instanceof PortInUseError) || opts.port !== undefined || attempt >= 3) throw error;
    }
  }
}
