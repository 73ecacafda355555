import { dataKeyAad } from '../tenants/tenant-keyring.js';
import { ArchiveError } from './archive-format.js';
import { readRegistry, type RegistryDeps } from './registry.js';

/**
 * Refuses a master key that is not the one this deployment's data is sealed with, before a backup writes
 * anything: an archive sealed with it could never be restored, because the tenants' data keys inside the
 * registry would not open. The key must open every live tenant data key in the scope and the registry file
 * (with its journal) beside the backups. A deployment with neither has nothing sealed yet, so any key is its key.
 */
export async function checkMasterKeyOpens(deps: RegistryDeps, registryFile: string, tenantId?: string): Promise<void> {
  const entries = (await deps.tenantKeys.all()).filter((e) => e.wrappedDataKey && (tenantId === undefined || e.tenantId === tenantId));
  const closed = entries.filter((e) => !opens(deps, e.wrappedDataKey!, e.tenantId));
  if (closed.length) {
    const named = closed.slice(0, 5).map((e) => e.tenantId).join(', ');
    throw new ArchiveError(
      `The master key ${deps.masterKey.id} does not open the data keys of ${closed.length} of ${entries.length} tenant(s) (${named}): ` +
        'it is not the key this deployment is sealed with (IDP_MASTER_KEY). Nothing was written.',
    );
  }
  try {
    await readRegistry(registryFile, deps.masterKey);
  } catch (err) {
    if (err instanceof ArchiveError) throw new ArchiveError(`${err.message}: it is not the key the backups here are sealed with. Nothing was written.`);
    throw err;
  }
}

function opens(deps: RegistryDeps, box: string, tenantId: string): boolean {
  try {
    deps.masterKey.unwrap(box, dataKeyAad(tenantId));
    return true;
  } catch {
    return false;
  }
}
