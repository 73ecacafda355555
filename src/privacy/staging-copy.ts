import { BSON } from 'mongodb';
import { ArchiveReader } from '../backup/archive-reader.js';
import { writeArchive, type ArchiveItem } from '../backup/archive-writer.js';
import { readManifest, writeManifest, type Manifest } from '../backup/manifest.js';
import { NO_PROGRESS, type Progress } from '../backup/progress.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { MasterKey } from '../crypto/master-key.js';
import { stagingClientSecret, stagingDataKey, stagingSigningKeys } from './staging-sealing.js';

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
  progress?: Progress;
}

export interface StagingCopyReport {
  file: string;
  manifest: Manifest;
  users: number;
  /** Collections left out whole (sessions, tokens, mail, the change log, anything unknown), with their counts. */
  dropped: Record<string, number>;
}

/** What a user of the copy keeps: structure, never a value about the person (not even when they were last active). */
const USER_KEPT = ['_id', 'tenantId', 'emailVerified', 'locale', 'roles', 'status', 'createdAt', 'updatedAt'] as const;
/** Collections in the copy: the last three as they are, since they describe the tenant's set-up, not people. */
const COPIED = new Set(['tenants', 'users', 'clients', 'roles', 'doors', 'door_permissions']);

/**
 * Turns a production backup into a copy for test and staging systems. A whitelist: tenants, users, roles,
 * doors, door permissions and clients keep their structure (ids, roles, grants); every personal value is
 * replaced (emails `user-<n>@example.invalid`, names `Person <n>`, one known password), phones and second
 * factors go, and every other collection — sessions, tokens, mail, the change log, tombstones, and any
 * collection this code does not know — is left out. Everything secret is made anew under the staging key,
 * so staging never needs production's master key.
 */
export async function makeStagingCopy(options: StagingCopyOptions): Promise<StagingCopyReport> {
  const progress = options.progress ?? NO_PROGRESS;
  const manifest = await readManifest(options.input);
  const reader = await ArchiveReader.open(options.input, { masterKey: options.productionKey }, { expectedSha256: manifest.sha256 });
  const state: CopyState = { tenantIds: [], ciphers: new Map(), users: 0, dropped: {} };
  progress.start('anonymize', Object.values(manifest.collections).reduce((a, b) => a + b, 0));
  try {
    const written = await writeArchive(anonymized(reader, options, state, progress), {
      file: options.output,
      kind: 'staging',
      scope: reader.header.scope,
      secret: { type: 'master', masterKey: options.stagingKey },
    });
    return { file: written.file, manifest: await writeManifest(written), users: state.users, dropped: state.dropped };
  } finally {
    progress.stop();
  }
}

interface CopyState {
  tenantIds: string[];
  ciphers: Map<string, FieldCipher>;
  users: number;
  dropped: Record<string, number>;
}

async function* anonymized(reader: ArchiveReader, options: StagingCopyOptions, state: CopyState, progress: Progress): AsyncGenerator<ArchiveItem> {
  const doc = (value: Record<string, unknown>): ArchiveItem => ({ type: 'document', bson: Buffer.from(BSON.serialize(value)) });
  let current: string | undefined;
  for await (const event of reader.events()) {
    if (event.type === 'collection') {
      // The tenants are all known once their collection ends: their new keys follow it.
      if (current === 'tenants') yield* newKeys(options.stagingKey, state);
      current = event.name;
      if (COPIED.has(event.name)) yield event;
      else state.dropped[event.name] = 0;
      continue;
    }
    progress.advance(1);
    if (!COPIED.has(event.collection)) {
      state.dropped[event.collection] = (state.dropped[event.collection] ?? 0) + 1;
      continue;
    }
    const source = BSON.deserialize(event.bson, { promoteValues: false }) as Record<string, unknown>;
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
  if (current === 'tenants') yield* newKeys(options.stagingKey, state);
}

/** Data keys and signing keys for every tenant of the copy, made under the staging key. */
async function* newKeys(stagingKey: MasterKey, state: CopyState): AsyncGenerator<ArchiveItem> {
  const keys: Record<string, unknown>[] = [];
  const signing: Record<string, unknown>[] = [];
  for (const tenantId of state.tenantIds) {
    const { wrappedDataKey, cipher } = stagingDataKey(stagingKey, tenantId);
    state.ciphers.set(tenantId, cipher);
    keys.push({ _id: tenantId, tenantId, wrappedDataKey, createdAt: new Date() });
    signing.push(...((await stagingSigningKeys(stagingKey, tenantId)) as unknown as Record<string, unknown>[]));
  }
  yield { type: 'collection', name: 'tenant_keys' };
  for (const key of keys) yield { type: 'document', bson: Buffer.from(BSON.serialize(key)) };
  yield { type: 'collection', name: 'signing_keys' };
  for (const key of signing) yield { type: 'document', bson: Buffer.from(BSON.serialize(key)) };
}

function fakeUser(source: Record<string, unknown>, state: CopyState, passwordHash: string): Record<string, unknown> {
  const cipher = state.ciphers.get(String(source.tenantId));
  if (!cipher) throw new Error(`A user of tenant ${String(source.tenantId)} comes without its tenant`);
  const user: Record<string, unknown> = Object.fromEntries(USER_KEPT.filter((f) => source[f] !== undefined).map((f) => [f, source[f]]));
  if (source.status === 'anonymized') return user;
  const n = (state.users += 1);
  const email = `user-${n}@example.invalid`;
  Object.assign(user, { email: cipher.encrypt(email, 'email'), emailHash: cipher.blindIndex(email, 'email') });
  if (source.name) user.name = cipher.encrypt(`Person ${n}`, 'name');
  if (source.givenName) user.givenName = cipher.encrypt('Person', 'givenName');
  if (source.familyName) user.familyName = cipher.encrypt(String(n), 'familyName');
  if (source.passwordHash) user.passwordHash = passwordHash;
  return user;
}

async function stagingClient(source: Record<string, unknown>, options: StagingCopyOptions): Promise<Record<string, unknown>> {
  const { sealedSecret, metadata, ...client } = source;
  // Contacts are people's addresses (RFC 7591); nothing else in a registration is about a person.
  const registration = { ...(metadata as Record<string, unknown>) };
  delete registration.contacts;
  const out: Record<string, unknown> = { ...client, metadata: registration };
  if (sealedSecret) out.sealedSecret = await stagingClientSecret(options.stagingKey, String(client.tenantId), String(client.clientId), options.clientSecret);
  return out;
}
