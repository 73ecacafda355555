import { BSON } from 'mongodb';
import { ArchiveReader } from '../backup/archive-reader.js';
import { writeArchive, type ArchiveItem } from '../backup/archive-writer.js';
import { skippedKey, TenantCounts } from '../backup/copy-record.js';
import { readManifest, writeManifest, type Manifest } from '../backup/manifest.js';
import { NO_PROGRESS, type Progress } from '../backup/progress.js';
import { mergeRegistries, type RegistrySnapshot } from '../backup/registry-file.js';
import { survey } from '../backup/restore-survey.js';
import { tombstoneMap } from '../backup/restore-writer.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { MasterKey } from '../crypto/master-key.js';
import { restoredForm, type Tombstones } from './restore-filter.js';
import { stagingKeys } from './staging-sealing.js';
import { COPIED, fakeUser, stagingClient } from './staging-values.js';

export interface StagingCopyOptions {
  input: string;
  output: string;
  /** Opens the production backup. */
  productionKey: MasterKey;
  /** The staging environment's master key: the copy, its data keys, signing keys and client secrets are under it. */
  stagingKey: MasterKey;
  /** The hash every user of the copy gets: of a password the staging team knows. */
  passwordHash: string;
  /** The secret every confidential client of the copy gets. */
  clientSecret: string;
  /**
   * What a restore of the backup would obey now (src/backup/registry.ts `currentRegistry`): a copy keeps out
   * whom a restore keeps out, or a staging system would hold people erased since, and tenants terminated since.
   */
  registry: RegistrySnapshot;
  progress?: Progress;
}

export interface StagingCopyReport {
  file: string;
  manifest: Manifest;
  users: number;
  /** Collections left out whole (sessions, tokens, mail, the change log, anything unknown), with their counts. */
  dropped: Record<string, number>;
  /** Documents of people erased since the backup, left out as a restore leaves them out, per collection. */
  skipped: Record<string, number>;
  /** Tenants terminated since the backup: every document of theirs left out. */
  terminatedTenants: { tenantId: string; slug?: string; skipped: number }[];
  /** Per tenant of the copy: its documents in it, and `skipped_<collection>` (what its change-log entry says). */
  counts: TenantCounts;
}

/**
 * Turns a production backup into a copy for test and staging systems. A whitelist: tenants, users, roles,
 * doors, door permissions and clients keep their structure (ids, roles, grants); every personal value is
 * replaced (emails `user-<n>@example.invalid`, names `Person <n>`, one known password), phones and second
 * factors go, and every other collection — sessions, tokens, mail, the change log, tombstones, and any
 * collection this code does not know — is left out. Everything secret is made anew under the staging key,
 * so staging never needs production's master key.
 *
 * Like a restore, it reads the backup twice: the first pass learns the backup's own tombstones and tenants,
 * the second writes each document in the form a restore would give it (`restoredForm`), or not at all.
 */
export async function makeStagingCopy(options: StagingCopyOptions): Promise<StagingCopyReport> {
  const progress = options.progress ?? NO_PROGRESS;
  const manifest = await readManifest(options.input);
  const total = Object.values(manifest.collections).reduce((a, b) => a + b, 0);
  const keys = { masterKey: options.productionKey };
  const held = await survey(await ArchiveReader.open(options.input, keys, { expectedSha256: manifest.sha256 }), progress, total);
  const registry = mergeRegistries(options.registry, { tenants: [], deletedSubjects: held.tombstones });
  const destroyed = registry.tenants.filter((t) => t.destroyedAt && held.tenants.has(t.tenantId));
  const reader = await ArchiveReader.open(options.input, keys, { expectedSha256: manifest.sha256 });
  const state: CopyState = { tenantIds: [], ciphers: new Map(), users: 0, dropped: {}, skipped: {}, counts: new TenantCounts(), tombstones: tombstoneMap(registry.deletedSubjects), terminated: new Map(destroyed.map((t) => [t.tenantId, 0])) };
  progress.start('anonymize', total);
  try {
    const written = await writeArchive(anonymized(reader, options, state, progress), {
      file: options.output,
      kind: 'staging',
      scope: reader.header.scope,
      secret: { type: 'master', masterKey: options.stagingKey },
    });
    const terminatedTenants = [...state.terminated].map(([tenantId, skipped]) => ({ tenantId, slug: held.tenants.get(tenantId), skipped }));
    const { users, dropped, skipped, counts } = state;
    return { file: written.file, manifest: await writeManifest(written), users, dropped, skipped, terminatedTenants, counts };
  } finally {
    progress.stop();
  }
}

interface CopyState {
  tenantIds: string[];
  ciphers: Map<string, FieldCipher>;
  users: number;
  dropped: Record<string, number>;
  skipped: Record<string, number>;
  counts: TenantCounts;
  tombstones: Tombstones;
  /** Terminated tenant → documents of theirs left out. */
  terminated: Map<string, number>;
}

async function* anonymized(reader: ArchiveReader, options: StagingCopyOptions, state: CopyState, progress: Progress): AsyncGenerator<ArchiveItem> {
  const doc = (value: Record<string, unknown>): ArchiveItem => ({ type: 'document', bson: Buffer.from(BSON.serialize(value)) });
  let current: string | undefined;
  for await (const event of reader.events()) {
    if (event.type === 'collection') {
      // The tenants are all known once their collection ends: their new keys follow it.
      if (current === 'tenants') yield* stagingKeys(options.stagingKey, state);
      current = event.name;
      if (COPIED.has(event.name)) yield event;
      else state.dropped[event.name] = 0;
      continue;
    }
    progress.advance(1);
    const model = COPIED.get(event.collection);
    if (!model) {
      state.dropped[event.collection] = (state.dropped[event.collection] ?? 0) + 1;
      continue;
    }
    const stored = BSON.deserialize(event.bson, { promoteValues: false }) as Record<string, unknown>;
    const tenantId = String(event.collection === 'tenants' ? stored._id : stored.tenantId);
    const left = state.terminated.get(tenantId);
    if (left !== undefined) {
      state.terminated.set(tenantId, left + 1);
      continue;
    }
    const source = restoredForm(model, stored, state.tombstones);
    if (!source) {
      state.skipped[event.collection] = (state.skipped[event.collection] ?? 0) + 1;
      state.counts.add(tenantId, skippedKey(event.collection));
      continue;
    }
    state.counts.add(tenantId, event.collection);
    if (event.collection === 'tenants') {
      delete source.wrappedDataKey;
      state.tenantIds.push(String(source._id));
      yield doc(source);
    } else if (event.collection === 'users') {
      yield doc(fakeUser(source, state, options.passwordHash));
    } else if (event.collection === 'clients') {
      yield doc(await stagingClient(source, options));
    } else {
      yield doc(source);
    }
  }
  if (current === 'tenants') yield* stagingKeys(options.stagingKey, state);
}
