import { randomBytes } from 'node:crypto';
import type { MasterKey } from '../crypto/master-key.js';
import { dataKeyAad } from '../tenants/tenant-keyring.js';
import type { TenantKeyDoc, TenantKeyModel } from './tenant-key.model.js';
import { ignoreDuplicateKey } from '../db/duplicate-key.js';

export type TenantKeyEntry = Pick<TenantKeyDoc, 'tenantId' | 'wrappedDataKey' | 'destroyedAt'>;

/**
 * Where tenants' data keys live: outside the tenant documents and outside every backup (see tenant-key.model.ts),
 * so destroying an entry shreds the tenant's sealed data in all backups already taken, while restores of live
 * tenants find their keys here (or in the registry file kept beside the backups).
 */
export class TenantKeyRegistry {
  constructor(
    private readonly keys: TenantKeyModel,
    private readonly masterKey: MasterKey,
  ) {}

  /** A fresh data key for a new tenant; the insert fails on a tenant id that has (or had) one. */
  async create(tenantId: string): Promise<string> {
    const wrappedDataKey = this.masterKey.wrap(randomBytes(32), dataKeyAad(tenantId));
    await this.keys.insertMany([{ _id: tenantId, tenantId, wrappedDataKey, createdAt: new Date() }]);
    return wrappedDataKey;
  }

  /** Takes over a key from elsewhere (an older tenant document, a restore); an entry already here wins. */
  async adopt(entry: TenantKeyEntry): Promise<void> {
    const fields = entry.destroyedAt ? { destroyedAt: entry.destroyedAt } : { wrappedDataKey: entry.wrappedDataKey };
    await this.keys
      .updateOne({ tenantId: entry.tenantId, _id: entry.tenantId }, { $setOnInsert: { ...fields, createdAt: new Date() } }, { upsert: true })
      .catch(ignoreDuplicateKey);
  }

  async find(tenantId: string): Promise<TenantKeyEntry | null> {
    return this.keys.findOne({ tenantId, _id: tenantId }, { tenantId: 1, wrappedDataKey: 1, destroyedAt: 1 }).lean();
  }

  async wrappedKeysOf(tenantIds: readonly string[]): Promise<Map<string, string>> {
    // By _id (an entry's _id is its tenant's id): read with every tenant document, so it must be a lookup, and
    // _id is the index every server has; on tenantId alone the local database read every tenant's entry. The
    // tenantId condition, the same ids, is what the tenant-scope guard asks of every query.
    const ids = [...tenantIds];
    const docs = await this.keys.find({ _id: { $in: ids }, tenantId: { $in: ids } }, { tenantId: 1, wrappedDataKey: 1 }).lean();
    return new Map(docs.filter((d) => d.wrappedDataKey).map((d) => [d.tenantId, d.wrappedDataKey!]));
  }

  /** Forgets the key and remembers that it was destroyed; nothing can bring it back. */
  async destroy(tenantId: string, at = new Date()): Promise<void> {
    await this.keys.updateOne(
      { tenantId, _id: tenantId },
      { $unset: { wrappedDataKey: '' }, $set: { destroyedAt: at }, $setOnInsert: { createdAt: at } },
      { upsert: true },
    );
  }

  /** Every entry, live and destroyed: what the registry file beside the backups mirrors. */
  async all(): Promise<TenantKeyEntry[]> {
    // Registry-wide by design (the tenant-scope plugin guards the model's queries, not the raw collection).
    const docs = await this.keys.collection.find({}, { projection: { _id: 0, tenantId: 1, wrappedDataKey: 1, destroyedAt: 1 } }).toArray();
    return docs as unknown as TenantKeyEntry[];
  }
}
