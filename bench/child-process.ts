import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

/**
 * A node child process whose output goes to `logFile` (a server logs every request; a file costs it what
 * production's log shipping would, a pipe to this process would cost this process too). Ready once `readyUrl`
 * answers 200, within `timeoutMs`.
 */
export async function startChild(options: {
  name: string;
  args: string[];
  env: Record<string, string>;
  logFile: string;
  readyUrl: string;
  timeoutMs?: number;
}): Promise<Child> {
  const log = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, options.args, { env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['ignore', log, log] });
  closeSync(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let exited = false;
  child.once('exit', () => (exited = true));

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`${options.name} exited during start; see ${options.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not answer ${options.readyUrl} in time; see ${options.logFile}`);
    }
    const ok = await fetch(options.readyUrl).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(200);
  }

  return {
    name: options.name,
    process: child,
    pid: child.pid!,
    async stop() {
      process.off('exit', killOnExit);
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(forced);
    },
  };
}
