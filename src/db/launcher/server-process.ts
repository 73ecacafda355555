import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';

export interface ServerProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Thrown when the chosen port turned out to be taken, so the caller may retry with another one. */
export class PortInUseError extends Error {}

// The OS can hand the same ephemeral port to two launchers probing in the same instant; remembering the
// ports given out by this process rules that out at least for launchers running side by side in it.
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export async function startServerProcess(binary: string, args: string[], port: number): Promise<ServerProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keepTail = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 30));
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // A binary that cannot be started reports only 'error', never 'exit'.
    child.once('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) resolve();
    });
  });

  // Without this the server would outlive a parent that exits without calling stop().
  const killOnExit = () => child.kill('SIGTERM');
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited.finally(() => clearTimeout(grace));
      return;
    }
    await exited;
  };

  try {
    await waitUntilReady(child, port, () => spawnError);
    return { child, stop };
  } catch (error) {
    await stop();
    const output = tail.join('\n');
    if (error instanceof PortInUseError || /address already in use/i.test(output)) {
      throw new PortInUseError(`port ${port} is already in use`);
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${binary} did not start: ${reason}${output ? `\n${output}` : ''}`);
  }
}

async function waitUntilReady(child: ChildProcess, port: number, spawnError: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const failure = spawnError();
    if (failure) throw failure;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
    }
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
    try {
      await client.connect();
      const admin = client.db('admin');
      await admin.command({ ping: 1 });
      // Another server may hold the port if ours failed to bind; only our own process counts as ready.
      const status = (await admin.command({ serverStatus: 1 })) as { pid?: unknown };
      if (Number(status.pid) !== child.pid) throw new PortInUseError(`port ${port} answers for another server`);
      return;
    } catch (error) {
      if (error instanceof PortInUseError) throw error;
      lastError = error;
    } finally {
      await client.close().catch(() => undefined);
    }
    await sleep(200);
  }
  throw new Error(`no answer on port ${port} within ${STARTUP_TIMEOUT_MS / 1000} s (${String(lastError)})`);
}
