import { runWithContext } from '../audit/request-context.js';
import type { ChangeLogService } from '../audit/change-log.service.js';
import type { Models } from '../db/database.js';
import { LeaseLost, type MigrationLock } from './migration-lock.js';
import { IrreversibleMigrationError, MigrationFailedError, MigrationLockLostError, SchemaTooNewError } from './migration.errors.js';
import { migrationLabel, type Migration } from './migration.js';
import { MigrationStore } from './migration-store.js';

export interface MigrationStatus {
  id: number;
  label: string;
  summary: string;
  /** `interrupted`: begun and not finished (a crash); `unknown`: recorded by a newer release. */
  state: 'applied' | 'pending' | 'interrupted' | 'unknown';
  safeWithOldProcesses?: boolean;
  appliedAt?: Date;
}

export interface MigrationRunnerDeps {
  models: Models;
  changeLog: ChangeLogService;
  lock: MigrationLock;
  migrations: readonly Migration[];
  /** Progress of the migration running now, for a progress bar or a log line; the migration waits for it. */
  onProgress?(label: string, done: number, total?: number): void | Promise<void>;
  log?(message: string): void;
}

/**
 * Runs the numbered migrations in order under the database lock. Every process of a deployment may call
 * `up` at once: one runs each pending migration, the others wait for the lock and then find nothing left.
 */
export class MigrationRunner {
  private readonly store: MigrationStore;
  /** The newest migration this release knows: the schema version it was written for. */
  readonly codeVersion: number;

  constructor(private readonly deps: MigrationRunnerDeps) {
    this.store = new MigrationStore(deps.models.migrations);
    const ids = deps.migrations.map((m) => m.id);
    if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) throw new Error('Migrations must be listed once each, in ascending order');
    this.codeVersion = ids.at(-1) ?? 0;
  }

  async status(): Promise<MigrationStatus[]> {
    const records = new Map((await this.store.all()).map((r) => [r._id, r]));
    const known = this.deps.migrations.map((m): MigrationStatus => {
      const r = records.get(m.id);
      const state = !r ? 'pending' : r.state === 'applied' ? 'applied' : 'interrupted';
      return { id: m.id, label: migrationLabel(m), summary: m.summary, state, safeWithOldProcesses: m.safeWithOldProcesses, ...(r?.appliedAt ? { appliedAt: r.appliedAt } : {}) };
    });
    const ids = new Set(this.deps.migrations.map((m) => m.id));
    const unknown = [...records.values()].filter((r) => !ids.has(r._id)).map((r): MigrationStatus => ({ id: r._id, label: migrationLabel({ id: r._id, name: r.name }), summary: 'recorded by a newer release', state: 'unknown' }));
    return [...known, ...unknown].sort((a, b) => a.id - b.id);
  }

  /** Refuses a database that a newer release migrated: its shapes are not this code's to read or write. */
  async assertNotNewer(): Promise<void> {
    const unknown = (await this.status()).filter((s) => s.state === 'unknown');
    if (unknown.length) throw new SchemaTooNewError(Math.max(...unknown.map((s) => s.id)), this.codeVersion, unknown.map((s) => s.label));
  }

  async pending(): Promise<MigrationStatus[]> {
    return (await this.status()).filter((s) => s.state === 'pending' || s.state === 'interrupted');
  }

  /** Applies every pending migration (resuming an interrupted one first); answers the labels it ran. */
  async up(): Promise<string[]> {
    return this.deps.lock.hold(async (held) => {
      // Read under the lock: a process that waited finds what the one before it did.
      await this.assertNotNewer();
      const todo = new Set((await this.pending()).map((s) => s.id));
      const ran: string[] = [];
      for (const m of this.deps.migrations.filter((x) => todo.has(x.id))) {
        const { resumed } = await this.store.begin(m, this.deps.lock.owner);
        this.deps.log?.(`${resumed ? 'Resuming' : 'Running'} migration ${migrationLabel(m)}`);
        await this.run(m, 'up', resumed, held);
        await this.store.applied(m, this.deps.lock.owner);
        ran.push(migrationLabel(m));
      }
      return ran;
    });
  }

  /**
   * Runs every applied migration's `up` again, records untouched: after a restore, documents of a backup taken
   * before a migration (a one-tenant restore leaves the records as they were) are in shapes this code no
   * longer reads. Each `up` selects only such documents, so on data already migrated it changes nothing.
   */
  async reapply(): Promise<string[]> {
    return this.deps.lock.hold(async (held) => {
      await this.assertNotNewer();
      const applied = new Set((await this.status()).filter((s) => s.state === 'applied').map((s) => s.id));
      const ran: string[] = [];
      for (const m of this.deps.migrations.filter((x) => applied.has(x.id))) {
        // As a resumed run: an entry the restored change log already holds for a change is not written twice.
        await this.run(m, 'up', true, held);
        ran.push(migrationLabel(m));
      }
      return ran;
    });
  }

  /** Undoes applied migrations newest first, down to (not including) `toVersion`; answers the labels undone. */
  async down(toVersion: number): Promise<string[]> {
    return this.deps.lock.hold(async (held) => {
      await this.assertNotNewer();
      const applied = new Set((await this.status()).filter((s) => s.state !== 'pending').map((s) => s.id));
      const undo = this.deps.migrations.filter((m) => m.id > toVersion && applied.has(m.id)).reverse();
      const irreversible = undo.find((m) => !m.down);
      if (irreversible) throw new IrreversibleMigrationError(migrationLabel(irreversible));
      const undone: string[] = [];
      for (const m of undo) {
        this.deps.log?.(`Undoing migration ${migrationLabel(m)}`);
        await this.run(m, 'down', false, held);
        await this.store.forget(m);
        undone.push(migrationLabel(m));
      }
      return undone;
    });
  }

  private async run(m: Migration, direction: 'up' | 'down', resumed: boolean, held: { check(): void }): Promise<void> {
    const label = migrationLabel(m);
    const ctx = {
      models: this.deps.models,
      changeLog: this.deps.changeLog,
      resumed,
      progress: async (done: number, total?: number) => {
        held.check();
        await this.deps.onProgress?.(label, done, total);
      },
    };
    try {
      // Its own actor: every change-log entry a migration writes names the migration that made it.
      await runWithContext({ actor: { type: 'job', id: `migration-${label}` } }, () => (direction === 'up' ? m.up(ctx) : m.down!(ctx)));
    } catch (err) {
      if (err instanceof LeaseLost) throw new MigrationLockLostError(label);
      throw new MigrationFailedError(label, err);
    }
  }
}
