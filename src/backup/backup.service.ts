import { makeStagingCopy, type StagingCopyOptions, type StagingCopyReport } from '../privacy/staging-copy.js';
import { createBackup, type BackupDeps, type CreateBackupOptions, type CreatedBackup } from './backup-create.js';
import { restoreBackup, type RestoreOptions, type RestoreReport } from './backup-restore.js';
import { COPY_ACTIONS, recordCopy, recordedOrRemoved } from './copy-record.js';
import { manifestPath } from './manifest.js';
import { currentRegistry } from './registry.js';

/** Backups of this deployment's database under its master key: what the operator CLI's `backup` commands run. */
export class BackupService {
  constructor(private readonly deps: BackupDeps) {}

  create(options: CreateBackupOptions): Promise<CreatedBackup> {
    return createBackup(this.deps, options);
  }

  restore(options: RestoreOptions): Promise<RestoreReport> {
    return restoreBackup(this.deps, options);
  }

  /**
   * A staging copy of one of this deployment's backups (which only its master key opens), keeping out whom a
   * restore would keep out now: erased people and terminated tenants, as the database and the registry file
   * beside the backups (`registryFile`) know them. Told to each tenant in it, like a backup; a copy that
   * cannot be recorded is removed.
   */
  async stagingCopy(options: Omit<StagingCopyOptions, 'productionKey' | 'registry'> & { registryFile: string }): Promise<StagingCopyReport> {
    const { registryFile, ...rest } = options;
    const report = await makeStagingCopy({ ...rest, productionKey: this.deps.masterKey, registry: await currentRegistry(this.deps, registryFile) });
    await recordedOrRemoved(() => recordCopy(this.deps.changeLog, COPY_ACTIONS.staging, report.counts), [report.file, manifestPath(report.file)]);
    return report;
  }
}
