import { randomBytes } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BSON } from 'mongodb';
import { ArchiveReader } from '../backup/archive-reader.js';
import { writeArchive, type ArchiveItem } from '../backup/archive-writer.js';
import { archivedCollections, rawDb, scopeFilter, type ModelName } from '../backup/collections.js';
import { writeManifest, type Manifest } from '../backup/manifest.js';
import { ArchiveError } from '../backup/archive-format.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/database.js';
import { ConflictError } from '../errors/http-errors.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import { ENCRYPTED_USER_FIELDS } from '../users/user.model.js';

/**
 * What a customer's export leaves out, and why: live credentials and work in progress, which mean nothing
 * once the tenant is gone and must not outlive it in anyone's hands.
 */
const LEFT_OUT: Partial<Record<ModelName, string>> = {
  signingKeys: "private keys sealed under the operator's master key",
  oidcEntries: 'sessions, grants and tokens',
  pendingLogins: 'sign-ins in progress',
  mfaChallenges: 'second-factor challenges in progress',
  accountTokens: 'password-reset and verification links',
  mailOutbox: 'mails not sent yet, with live links',
  webhookOutbox: 'webhook deliveries, sent or waiting',
};

/** Sealed fields opened for the customer: after termination no key will ever open them again. */
const OPENED: Partial<Record<ModelName, readonly string[]>> = { users: ENCRYPTED_USER_FIELDS, invitations: ['email', 'name'] };

/** Fields that are secrets or keyed lookups of ours rather than the customer's data. */
const DROPPED: Partial<Record<ModelName, readonly string[]>> = {
  users: ['emailHash'],
  invitations: ['emailHash', 'tokenHash'],
  clients: ['sealedSecret'],
  webhookSubscriptions: ['sealedSecret'],
  upstreamIdps: ['sealedSecret'],
  mfaFactors: ['secret', 'codeHashes'],
  tenants: ['wrappedDataKey'],
};

export interface TenantExport {
  file: string;
  /** The export key, base64url: handed out once, never stored. */
  key: string;
  manifest: Manifest;
}

/**
 * The tenant's data for the customer, in the format of a one-tenant backup but encrypted under a fresh random
 * key rather than ours, with personal fields opened: the data key that sealed them is about to be destroyed.
 * Read back in full with that key before it is handed out, so termination never destroys what it failed to export.
 */
export async function exportTenant(db: Database, tenant: TenantDoc, cipher: FieldCipher, file: string): Promise<TenantExport> {
  if (await access(file).then(() => true, () => false)) throw new ConflictError(`${file} exists already; an export never replaces a file`);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  const scope = { type: 'tenant' as const, tenantId: tenant._id, slug: tenant.slug };
  const written = await writeArchive(portableDocuments(db, tenant._id, cipher), { file, kind: 'export', scope, secret: { type: 'export', key } });
  const reader = await ArchiveReader.open(file, { exportKey: key }, { expectedSha256: written.sha256 });
  for await (const event of reader.events()) void event;
  for (const [name, count] of Object.entries(written.counts)) {
    if (reader.counts[name] !== count) throw new ArchiveError(`The export of ${tenant.slug} reads back ${reader.counts[name] ?? 0} ${name} documents of ${count}`);
  }
  return { file, key: key.toString('base64url'), manifest: await writeManifest(written) };
}

async function* portableDocuments(db: Database, tenantId: string, cipher: FieldCipher): AsyncGenerator<ArchiveItem> {
  for (const collection of archivedCollections(db.models)) {
    const filter = scopeFilter(collection, tenantId);
    if (!filter || LEFT_OUT[collection.model]) continue;
    yield { type: 'collection', name: collection.name };
    for await (const doc of rawDb(db).collection(collection.name).find(filter, { promoteValues: false })) {
      yield { type: 'document', bson: Buffer.from(BSON.serialize(portable(collection.model, doc, cipher))) };
    }
  }
}

function portable(model: ModelName, doc: Record<string, unknown>, cipher: FieldCipher): Record<string, unknown> {
  const out = { ...doc };
  for (const field of OPENED[model] ?? []) {
    if (typeof out[field] === 'string') out[field] = cipher.decrypt(out[field], field);
  }
  for (const field of DROPPED[model] ?? []) delete out[field];
  return out;
}
