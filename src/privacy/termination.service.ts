import { PLATFORM_TENANT } from '../admin-api/principal.js';
import type { ChangeLogService } from '../audit/change-log.service.js';
import { archivedCollections, deleteAll, rawDb } from '../backup/collections.js';
import { forgetTenantInRegistryFile } from '../backup/registry.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import { ConflictError } from '../errors/http-errors.js';
import { ensurePlatformTenant } from '../tenants/platform.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { TenantKeyRegistry } from './tenant-key-registry.js';
import { exportTenant, type TenantExport } from './termination-export.js';
import type { ExportHandover, PendingExport } from './termination-handover.js';

export interface TerminationDeps {
  db: Database;
  masterKey: MasterKey;
  tenants: TenantService;
  tenantKeys: TenantKeyRegistry;
  keyring: TenantKeyring;
  changeLog: ChangeLogService;
  /** Where the export waits for the customer and is deleted after (termination-handover.ts). */
  handover?: ExportHandover;
}

export interface TerminateOptions {
  /** Where the customer's export is written; it must not exist yet. */
  exportFile: string;
  /** The registry file beside the backups, which must forget the tenant's key too (see registry-file.ts). */
  registryFile: string;
}

export interface TerminationReport {
  tenant: { id: string; slug: string };
  /** Absent when an interrupted termination is finished: its export was made by the first run. */
  export?: TenantExport;
  /** The export's handover: how to download it, and when it is deleted if nobody confirms it was received. */
  handover?: PendingExport;
  /** Documents deleted, per collection. */
  deleted: Record<string, number>;
  keyDestroyed: true;
  registryFileUpdated: boolean;
}

/**
 * The end of a contract: the tenant's data is exported for the customer, then destroyed — its data key first,
 * which makes its sealed personal data unreadable in every backup already taken (backups never hold keys),
 * then every document of every tenant collection, the tenant document last. Recorded in the platform tenant's
 * change log as `tenant.terminated` by whoever asked. Interrupted, it is finished by running it again. The
 * export itself is not kept: it waits for its handover and is then deleted (termination-handover.ts).
 */
export class TerminationService {
  constructor(private readonly deps: TerminationDeps) {}

  async terminate(tenant: TenantDoc, options: TerminateOptions): Promise<TerminationReport> {
    const { deps } = this;
    if (tenant.slug === PLATFORM_TENANT) throw new ConflictError('The platform tenant cannot be terminated');
    let exported: TenantExport | undefined;
    let handover: PendingExport | undefined;
    if (tenant.state !== 'terminated') {
      // Suspended first: nobody signs in or changes anything while the export is read.
      const suspended = await deps.tenants.setState(tenant._id, 'suspended');
      exported = await exportTenant(deps.db, suspended, deps.keyring.cipherFor(suspended), options.exportFile);
      // Before anything is destroyed: an export made is an export that will be deleted in time.
      handover = await deps.handover?.register({ id: tenant._id, slug: tenant.slug }, exported);
    }
    const platform = await ensurePlatformTenant(deps);
    const collections = archivedCollections(deps.db.models).filter((c) => c.tenantScoped);
    const change = { action: 'tenant.terminated', subjectType: 'tenant', subjectId: tenant._id, fields: collections.map((c) => c.name) };
    return deps.changeLog.record(platform._id, change, async () => {
      const at = new Date();
      if (tenant.state !== 'terminated') await deps.tenants.setState(tenant._id, 'terminated');
      await deps.tenantKeys.destroy(tenant._id, at);
      const registryFileUpdated = await forgetTenantInRegistryFile(deps.masterKey, options.registryFile, tenant._id, at);
      await deps.changeLog.forgetCheckpoints(tenant._id);
      const deleted: Record<string, number> = {};
      for (const { name } of collections) deleted[name] = await deleteAll(rawDb(deps.db).collection(name), { tenantId: tenant._id });
      deleted.tenants = (await deps.db.models.tenants.deleteOne({ _id: tenant._id })).deletedCount;
      const handed = { ...(exported ? { export: exported } : {}), ...(handover ? { handover } : {}) };
      return { tenant: { id: tenant._id, slug: tenant.slug }, ...handed, deleted, keyDestroyed: true, registryFileUpdated };
    });
  }
}
