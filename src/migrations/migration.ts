import type { ChangeLogService } from '../audit/change-log.service.js';
import type { Models } from '../db/database.js';

/** What a migration is given: the models, the change log, and a way to say how far it got. */
export interface MigrationContext {
  models: Models;
  /** Where migrations of personal data write their entries, as the actor `job:migration-<number>`. */
  changeLog: ChangeLogService;
  /**
   * True when an earlier run of this migration was interrupted: some changes may already be done, and some
   * change-log entries may already be written for changes that were not (the entry comes first).
   */
  resumed: boolean;
  /** Documents done so far of `total` (when the migration knows it); the CLI draws it as a progress bar. */
  progress(done: number, total?: number): Promise<void>;
}

/**
 * A numbered, named change to the stored data. `up` must be idempotent: it selects only documents still in
 * the old shape, so a run interrupted anywhere and run again finishes the work without doing any of it twice.
 */
export interface Migration {
  id: number;
  /** kebab-case, as in the file name `0001-<name>.migration.ts`. */
  name: string;
  /** What it does, one line, for `migrate status`. */
  summary: string;
  /**
   * Whether processes of the previous release may keep serving while it runs (a rolling upgrade): true only
   * when that release reads both the old and the new shape. False means: stop every old process first.
   */
  safeWithOldProcesses: boolean;
  up(ctx: MigrationContext): Promise<void>;
  /** Undoes `up`, far enough for the previous release to serve the data; absent when that cannot be done. */
  down?(ctx: MigrationContext): Promise<void>;
}

/** `0003-user-lock-origin`: how operators and the change log name a migration. */
export function migrationLabel(m: Pick<Migration, 'id' | 'name'>): string {
  return `${String(m.id).padStart(4, '0')}-${m.name}`;
}
