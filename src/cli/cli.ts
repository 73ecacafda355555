import { runWithContext } from '../audit/request-context.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { HttpError } from '../errors/http-errors.js';
import { connectLikeServer, type Runtime } from '../runtime/boot.js';
import { createServices } from '../services.js';
import { CliError } from './cli-error.js';
import type { Command } from './command.js';
import { anonymizeInactiveCommand } from './anonymize-inactive.command.js';
import { backupCommand } from './backup.command.js';
import { changeLogCommand } from './change-log.command.js';
import { initCommand } from './init.command.js';
import { migrateCommand, refuseNewerSchema } from './migrate.command.js';
import { rotateMasterKeyCommand } from './rotate-master-key.command.js';
import { rotateOperatorSecretCommand } from './rotate-operator-secret.command.js';
import { tenantCommand } from './tenant.command.js';

const COMMANDS: readonly Command[] = [initCommand, rotateOperatorSecretCommand, rotateMasterKeyCommand, anonymizeInactiveCommand, backupCommand, changeLogCommand, tenantCommand, migrateCommand];

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export function helpText(): string {
  const rows = [...COMMANDS.map((c) => [c.usage, c.summary]), ['help', 'Show this help']] as const;
  const width = Math.max(...rows.map(([usage]) => usage.length));
  return [
    'Usage: npm run idp -- <command> [arguments]',
    '',
    'Commands:',
    ...rows.map(([usage, summary]) => `  ${usage.padEnd(width)}  ${summary}`),
    '',
    'The commands read the same environment as the server (MONGODB_URI, DATA_DIR, IDP_MASTER_KEY, PUBLIC_URL).',
    'Exit status: 0 done, 1 failed, 2 wrong usage.',
    '',
  ].join('\n');
}

/** Runs one command against the database the server uses; answers the process exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || ['help', '--help', '-h'].includes(name)) {
    io.stdout(helpText());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return usageError(io, `Unknown command: ${name}`);
  if (args.length > command.maxArgs) return usageError(io, `Too many arguments. Usage: npm run idp -- ${command.usage}`);

  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`${err.message}\n`);
    return 1;
  }
  let runtime: Runtime;
  try {
    runtime = await connectLikeServer(config, { log: (m) => io.stderr(`${m}\n`), joinRunningLocalDatabase: true });
  } catch (err) {
    io.stderr(`Cannot open the database: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    if (command !== migrateCommand) await refuseNewerSchema(runtime.db);
    const services = createServices(runtime.db, runtime.masterKey, config, stderrLogger(io.stderr));
    const actor = { type: 'job', id: `cli-${command.name}` } as const;
    await runWithContext({ actor }, () => command.run({ services, config, db: runtime.db, masterKey: runtime.masterKey, env: io.env, out: io.stdout }, args));
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof HttpError && err.status < 500) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    io.stderr(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    await runtime.close();
  }
}

function usageError(io: CliIo, message: string): number {
  io.stderr(`${message}\n\n${helpText()}`);
  return 2;
}

/** A command's warnings go to stderr with the ids they name, apart from its output on stdout. */
function stderrLogger(write: (text: string) => void) {
  const line = (level: string) => (obj: object, msg: string) => {
    const { err, ...ids } = obj as { err?: unknown };
    const reason = err instanceof Error ? `: ${err.message}` : '';
    write(`${level}: ${msg} ${JSON.stringify(ids)}${reason}\n`);
  };
  return { error: line('error'), warn: line('warning') };
}
