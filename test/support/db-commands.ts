import type { Connection } from 'mongoose';
import { monitorCommands } from '../../src/observability/command-monitor.js';

export interface CommandCount {
  total: number;
  /** By command and collection, e.g. `find oidc_entries`, `insert pending_logins (failed)`. */
  byName: Record<string, number>;
}

/**
 * The database commands an app's connection sends while `fn` runs (the app of test-idp.ts reports them).
 * Work the app leaves running after answering (a background write) is counted if it ends before `fn` does:
 * specs settle such work first, or count it where it belongs.
 */
export async function countCommands<T>(connection: Connection, fn: () => Promise<T>): Promise<{ result: T; commands: CommandCount }> {
  const commands: CommandCount = { total: 0, byName: {} };
  const stop = monitorCommands(connection.getClient(), (name) => {
    commands.total += 1;
    commands.byName[name] = (commands.byName[name] ?? 0) + 1;
  });
  try {
    return { result: await fn(), commands };
  } finally {
    stop();
  }
}
