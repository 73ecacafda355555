import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';

/**
 * A TypeScript entry point of the project (src/main.ts, src/cli/main.ts) run as a process of its own, from the
 * sources, so a spec can kill it for real. Output is collected for the failure message.
 */
export class TsProcess {
  output = '';
  private readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /**
   * `noRoomInFiles`: the process may write no byte to any file (RLIMIT_FSIZE of 0, set by the shell's
   * `ulimit -f 0` before it starts), so each write fails with EFBIG as on a full disk, without root or a mounted
   * file system. Pipes (its output) are not files, and the database is another process: only the process's own
   * files are affected.
   */
  static start(entry: string, env: Record<string, string>, options: { noRoomInFiles?: boolean; args?: string[] } = {}): TsProcess {
    const root = projectRoot();
    const register = join(root, 'test/support/ts-child/register.mjs');
    const { PATH, HOME } = process.env;
    const node = [process.execPath, '--no-warnings', '--import', register, join(root, entry), ...(options.args ?? [])];
    const limited = options.noRoomInFiles ? ['/bin/sh', '-c', 'ulimit -f 0 && exec "$@"', 'sh', ...node] : node;
    const child = spawn(limited[0]!, limited.slice(1), {
      cwd: root,
      env: { PATH: PATH ?? '', HOME: HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new TsProcess(child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The exit status once the process has ended by itself (a command run to its end). */
  async exitCode(): Promise<number | null> {
    await this.exited;
    return this.child.exitCode;
  }

  /** The process dies at once, as in a crash or an OOM kill: no shutdown handler runs. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  close(): Promise<void> {
    return this.kill();
  }
}
