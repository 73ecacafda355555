import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the launcher (src/db/local-database.ts) writes into the data folder of the server it runs. */
interface LauncherOwner {
  parent: number;
  server: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The port in the launcher's own arguments: FerretDB's `--listen-addr=127.0.0.1:<port>`, mongod's `--port <port>`. */
function portOf(args: string[]): number | undefined {
  const listen = args.find((a) => a.startsWith('--listen-addr='));
  const flag = args.indexOf('--port');
  const text = listen ? listen.slice(listen.lastIndexOf(':') + 1) : flag >= 0 ? args[flag + 1] : undefined;
  const port = Number(text);
  return text && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/**
 * The URI of the local database server another process (the server, usually) already runs on `dataDir`, so a
 * second process joins it instead of starting a rival server on the same files. Undefined when none runs or its
 * owner has died (the launcher then reclaims the folder). The port is read from the server's command line,
 * which needs /proc; elsewhere a running server is reported as an error by the launcher, as before.
 */
export function runningLocalDatabase(dataDir: string): string | undefined {
  let owner: LauncherOwner;
  try {
    owner = JSON.parse(readFileSync(join(dataDir, 'launcher.json'), 'utf8')) as LauncherOwner;
  } catch {
    return undefined;
  }
  if (!isAlive(owner.server) || !isAlive(owner.parent)) return undefined;
  let args: string[];
  try {
    args = readFileSync(`/proc/${owner.server}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
  if (!/mongod|ferretdb/.test(args.join(' '))) return undefined;
  const port = portOf(args);
  return port ? `mongodb://127.0.0.1:${port}` : undefined;
}
