import { BSON } from 'mongodb';
import { ArchiveError } from './archive-format.js';
import type { ArchiveReader } from './archive-reader.js';
import type { Progress } from './progress.js';
import type { RegistrySnapshot, RegistryTenant, RegistryTombstone } from './registry-file.js';

export interface Held {
  /** Tenant id → slug. */
  tenants: Map<string, string>;
  tombstones: RegistryTombstone[];
  /** Keys carried by the archive itself: staging copies only (production backups never hold keys). */
  keys: RegistryTenant[];
}

/** The first pass: reads every byte (so every check runs) and keeps only what the second pass needs. */
export async function survey(reader: ArchiveReader, progress: Progress, total: number): Promise<Held> {
  const held: Held = { tenants: new Map(), tombstones: [], keys: [] };
  progress.start('verify', total);
  try {
    for await (const event of reader.events()) {
      if (event.type !== 'document') continue;
      progress.advance(1);
      if (event.collection === 'tenants') {
        const doc = BSON.deserialize(event.bson) as { _id: string; slug: string; wrappedDataKey?: string };
        held.tenants.set(doc._id, doc.slug);
        // Tenants backed up before the key registry carried their key in their document.
        if (doc.wrappedDataKey) held.keys.push({ tenantId: doc._id, wrappedDataKey: doc.wrappedDataKey });
      } else if (event.collection === 'deleted_subjects') {
        held.tombstones.push(BSON.deserialize(event.bson) as RegistryTombstone);
      } else if (event.collection === 'tenant_keys' && reader.header.kind === 'staging') {
        held.keys.push(BSON.deserialize(event.bson) as RegistryTenant);
      }
    }
  } finally {
    progress.stop();
  }
  return held;
}

/**
 * The archive's tenants whose key a registry says was destroyed: terminated, and left out whole. Every other
 * tenant must have its key somewhere, or its restored data could never be read.
 */
export function terminatedTenants(tenants: Map<string, string>, registry: RegistrySnapshot): Set<string> {
  const entries = new Map(registry.tenants.map((t) => [t.tenantId, t]));
  const terminated = new Set<string>();
  const missing: string[] = [];
  for (const [tenantId, slug] of tenants) {
    const entry = entries.get(tenantId);
    if (entry?.destroyedAt) terminated.add(tenantId);
    else if (!entry?.wrappedDataKey) missing.push(slug);
  }
  if (missing.length) {
    throw new ArchiveError(
      `No data key for tenant(s) ${missing.join(', ')}: backups never hold keys. Keep the registry file (registry.sealed) of BACKUP_DIR beside the backups, or restore into the database that holds the tenant key registry.`,
    );
  }
  return terminated;
}
