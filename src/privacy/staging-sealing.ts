import { randomBytes } from 'node:crypto';
import { BSON } from 'mongodb';
import type { ArchiveItem } from '../backup/archive-writer.js';
import { ClientService } from '../clients/client.service.js';
import type { ClientModel } from '../clients/client.model.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { SigningKeyDoc, SigningKeyModel } from '../keys/signing-key.model.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { dataKeyAad } from '../tenants/tenant-keyring.js';

/**
 * Secrets of a staging copy, made under the staging environment's master key by the same services that make
 * them in production — so they are sealed exactly as staging will open them. The services write through a
 * model; here that model only collects what they would insert, which goes into the copy instead.
 */
function collecting<T>(into: T[]) {
  return {
    exists: async () => null,
    insertMany: async (docs: T[]) => {
      into.push(...docs);
      return docs;
    },
  };
}

/** A new data key for a tenant of the copy: wrapped for its key registry, and its cipher for the fake values. */
export function stagingDataKey(stagingKey: MasterKey, tenantId: string): { wrappedDataKey: string; cipher: FieldCipher } {
  const dataKey = randomBytes(32);
  return { wrappedDataKey: stagingKey.wrap(dataKey, dataKeyAad(tenantId)), cipher: new FieldCipher(dataKey, tenantId) };
}

/** Fresh signing keys: production's private keys never reach staging, where they could sign tokens production trusts. */
export async function stagingSigningKeys(stagingKey: MasterKey, tenantId: string): Promise<SigningKeyDoc[]> {
  const docs: SigningKeyDoc[] = [];
  await new SigningKeyService(collecting(docs) as unknown as SigningKeyModel, stagingKey).createInitialKeys(tenantId);
  return docs;
}

/** A confidential client's secret in the copy: the known staging secret, never production's. */
export async function stagingClientSecret(stagingKey: MasterKey, tenantId: string, clientId: string, secret: string): Promise<string> {
  const docs: { sealedSecret?: string }[] = [];
  const clients = new ClientService(collecting(docs) as unknown as ClientModel, stagingKey, async () => undefined);
  await clients.create(tenantId, { client_id: clientId, redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' }, secret);
  return docs[0]!.sealedSecret!;
}

/** Data keys and signing keys for every tenant of the copy, made under the staging key. */
export async function* stagingKeys(stagingKey: MasterKey, state: { tenantIds: string[]; ciphers: Map<string, FieldCipher> }): AsyncGenerator<ArchiveItem> {
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
