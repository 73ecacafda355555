import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { open, seal } from '../crypto/aes-gcm.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { TombstoneReason } from '../privacy/deleted-subject.model.js';
import { ArchiveError } from './archive-format.js';

export interface RegistryTenant {
  tenantId: string;
  wrappedDataKey?: string;
  destroyedAt?: Date;
}

export interface RegistryTombstone {
  tenantId: string;
  subjectId: string;
  deletedAt: Date;
  reason?: TombstoneReason;
}

/** What a restore must know that no backup may carry: tenants' data keys (or that they were destroyed), and tombstones. */
export interface RegistrySnapshot {
  tenants: RegistryTenant[];
  deletedSubjects: RegistryTombstone[];
}

/**
 * The registry file: one file beside the backups, replaced (never versioned) on every backup and termination,
 * sealed under the master key; erasures made since are in its journal (registry-journal.ts). It is how a restore into a new, empty database still finds the data keys of
 * live tenants — backups never hold them — while a terminated tenant's key, removed from it, is gone from
 * everywhere. It also keeps the tombstones known at the last backup, for a restore that has lost the database.
 * It must not be put under versioned storage: an old copy of it would undo the crypto-shredding.
 */
export function registryPath(backupDir: string): string {
  return join(backupDir, 'registry.sealed');
}

const AAD = 'idp-registry-file:v1';

export async function readRegistryFile(file: string, masterKey: MasterKey): Promise<RegistrySnapshot> {
  let box: string;
  try {
    box = (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tenants: [], deletedSubjects: [] };
    throw err;
  }
  let json: string;
  try {
    json = open(masterKey.derive('registry-file'), box, AAD).toString('utf8');
  } catch {
    throw new ArchiveError(`${file} does not open with this master key (${masterKey.id})`);
  }
  const parsed = JSON.parse(json) as { tenants: RegistryTenant[]; deletedSubjects: RegistryTombstone[] };
  return {
    tenants: parsed.tenants.map((t) => ({ ...t, ...(t.destroyedAt ? { destroyedAt: new Date(t.destroyedAt) } : {}) })),
    deletedSubjects: parsed.deletedSubjects.map((d) => ({ ...d, deletedAt: new Date(d.deletedAt) })),
  };
}

export async function writeRegistryFile(file: string, masterKey: MasterKey, snapshot: RegistrySnapshot): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const box = seal(masterKey.derive('registry-file'), Buffer.from(JSON.stringify(snapshot), 'utf8'), AAD);
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, box + '\n', { mode: 0o600 });
  await rename(temporary, file);
}

/**
 * The union of two registries: a destroyed key stays destroyed, and an erasure outranks an anonymization. A
 * destroyed tenant's tombstones go, as they went with its data (a journal entry may name one).
 */
export function mergeRegistries(a: RegistrySnapshot, b: RegistrySnapshot): RegistrySnapshot {
  const tenants = new Map<string, RegistryTenant>();
  for (const entry of [...a.tenants, ...b.tenants]) {
    const known = tenants.get(entry.tenantId);
    if (known?.destroyedAt) continue;
    if (entry.destroyedAt) tenants.set(entry.tenantId, { tenantId: entry.tenantId, destroyedAt: entry.destroyedAt });
    else if (!known && entry.wrappedDataKey) tenants.set(entry.tenantId, { tenantId: entry.tenantId, wrappedDataKey: entry.wrappedDataKey });
  }
  const tombstones = new Map<string, RegistryTombstone>();
  for (const entry of [...a.deletedSubjects, ...b.deletedSubjects]) {
    const key = `${entry.tenantId}\u0000${entry.subjectId}`;
    const known = tombstones.get(key);
    if (!known || ((known.reason ?? 'erased') === 'anonymized' && (entry.reason ?? 'erased') === 'erased')) tombstones.set(key, entry);
  }
  const kept = [...tombstones.values()].filter((t) => !tenants.get(t.tenantId)?.destroyedAt);
  return { tenants: [...tenants.values()], deletedSubjects: kept };
}

/** A terminated tenant leaves the file: its key becomes a destroyed entry, its tombstones go with its data. */
export function withoutTenant(snapshot: RegistrySnapshot, tenantId: string, at: Date): RegistrySnapshot {
  return {
    tenants: [...snapshot.tenants.filter((t) => t.tenantId !== tenantId), { tenantId, destroyedAt: at }],
    deletedSubjects: snapshot.deletedSubjects.filter((d) => d.tenantId !== tenantId),
  };
}
