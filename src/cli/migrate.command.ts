import { SchemaTooNewError } from '../migrations/migration.errors.js';
import { createMigrationRunner } from '../migrations/migrations.js';
import type { MigrationStatus } from '../migrations/migration-runner.js';
import { CliError } from './cli-error.js';
import type { Command } from './command.js';
import { progressBar } from './progress-bar.js';

const USAGE = 'migrate status|up|down [<version>]';

function formatStatus(rows: MigrationStatus[], codeVersion: number): string {
  const version = Math.max(0, ...rows.filter((r) => r.state === 'applied' || r.state === 'unknown').map((r) => r.id));
  const lines = rows.map((r) => {
    const when = r.appliedAt ? `  ${r.appliedAt.toISOString()}` : '';
    const rolling = r.safeWithOldProcesses === false ? '  (stop old processes first)' : '';
    return `  ${r.state.padEnd(11)} ${r.label}${when}  ${r.summary}${rolling}`;
  });
  return [`Database schema version ${version}; this release: ${codeVersion}.`, ...lines, ''].join('\n');
}

/**
 * The operators' view of migrations. `up` runs what the server would run at start, under the same lock (a
 * server starting meanwhile waits for it); `down <version>` undoes the migrations above that version, so the
 * release of that version can serve the database again.
 */
export const migrateCommand: Command = {
  name: 'migrate',
  usage: USAGE,
  summary: 'Show the schema migrations (status), apply the pending ones (up), or undo those above a version (down)',
  maxArgs: 2,
  async run({ db, out }, [action, version]) {
    const bar = progressBar();
    let current: string | undefined;
    let drawn = 0;
    const runner = createMigrationRunner(db, {
      log: (m) => process.stderr.write(`${m}\n`),
      onProgress(label, done, total) {
        if (current !== label) {
          bar.stop();
          bar.start(label, total ?? 0);
          current = label;
          drawn = 0;
        }
        // Migrations report how many are done in all; the bar is advanced by what is new.
        bar.advance(done - drawn);
        drawn = done;
      },
    });
    try {
      switch (action) {
        case 'status':
          if (version !== undefined) break;
          return out(formatStatus(await runner.status(), runner.codeVersion));
        case 'up': {
          if (version !== undefined) break;
          const ran = await runner.up();
          bar.stop();
          return out(ran.length ? `Applied: ${ran.join(', ')}\n` : 'Nothing to migrate: the database is at this release\'s schema.\n');
        }
        case 'down': {
          const to = Number(version);
          if (version === undefined || !/^\d+$/.test(version) || to >= runner.codeVersion) {
            throw new CliError(`Usage: npm run idp -- migrate down <version>, below this release's ${runner.codeVersion} (0 undoes every migration)`, 2);
          }
          const undone = await runner.down(to);
          return out(undone.length ? `Undone: ${undone.join(', ')}\n` : `Nothing to undo above version ${to}.\n`);
        }
      }
      throw new CliError(`Usage: npm run idp -- ${USAGE}`, 2);
    } finally {
      bar.stop();
    }
  },
};

/** Every other command refuses a database a newer release migrated, as the server does. */
export async function refuseNewerSchema(db: Parameters<typeof createMigrationRunner>[0]): Promise<void> {
  await createMigrationRunner(db)
    .assertNotNewer()
    .catch((err: unknown) => {
      throw err instanceof SchemaTooNewError ? new CliError(err.message) : err;
    });
}
