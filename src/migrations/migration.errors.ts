import { HttpError } from '../errors/http-errors.js';

/**
 * The database was migrated by a newer release than this one: its documents may be in shapes this code does
 * not know, so serving them could corrupt them. 503: this process cannot serve this database.
 */
export class SchemaTooNewError extends HttpError {
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
    readonly unknown: string[],
  ) {
    super(
      503,
      'schema-too-new',
      `The database's schema is version ${databaseVersion}, newer than this release's ${codeVersion} ` +
        `(migrations it does not know: ${unknown.join(', ')}). Run the release that migrated it, or roll the ` +
        `database back with that release's \`npm run idp -- migrate down\` first.`,
      { databaseVersion, codeVersion },
    );
  }
}

/** The migration lease expired under a running migration and another process took it: this one stops. */
export class MigrationLockLostError extends HttpError {
  constructor(label: string) {
    super(503, 'migration-lock-lost', `Lost the migration lock while running ${label}; the process that holds it now finishes the migration`);
  }
}

/** `migrate down` of a migration that cannot be undone: the way back is the backup taken before the upgrade. */
export class IrreversibleMigrationError extends HttpError {
  constructor(label: string) {
    super(409, 'migration-irreversible', `Migration ${label} cannot be undone; restore the backup taken before the upgrade instead`);
  }
}

/** A migration failed; the record stays `running`, and the next run resumes it. */
export class MigrationFailedError extends HttpError {
  constructor(label: string, readonly reason: unknown) {
    super(500, 'migration-failed', `Migration ${label} failed: ${reason instanceof Error ? reason.message : String(reason)}. Nothing after it ran; fix the cause and run \`npm run idp -- migrate up\` (or restart) to resume it`);
  }
}

/** Started with MIGRATE_ON_START=false on a database this release's code cannot read yet. */
export class PendingMigrationsError extends HttpError {
  constructor(readonly labels: string[]) {
    super(503, 'migrations-pending', `The database needs migrations this release depends on (${labels.join(', ')}); run \`npm run idp -- migrate up\`, or start with MIGRATE_ON_START=true`);
  }
}
