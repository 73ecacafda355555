import { LRUCache } from 'lru-cache';
import { FieldCipher } from '../crypto/field-cipher.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { TenantDoc } from './tenant.model.js';

/** Unwraps tenants' data keys once and keeps their ciphers; a re-wrapped or replaced key gets a new entry. */
export class TenantKeyring {
  private readonly ciphers = new LRUCache<string, FieldCipher>({ max: 10_000 });

  constructor(private readonly masterKey: MasterKey) {}

  cipherFor(tenant: Pick<TenantDoc, '_id' | 'wrappedDataKey'>): FieldCipher {
    const cacheKey = `${tenant._id}:${tenant.wrappedDataKey}`;
    let cipher = this.ciphers.get(cacheKey);
    if (!cipher) {
      // Destroyed by termination, or a tenant document read past TenantService (which attaches the key).
      if (!tenant.wrappedDataKey) throw new Error(`Tenant ${tenant._id} has no data key`);
      cipher = new FieldCipher(this.masterKey.unwrap(tenant.wrappedDataKey, dataKeyAad(tenant._id)), tenant._id);
      this.ciphers.set(cacheKey, cipher);
    }
    return cipher;
  }
}

export function dataKeyAad(tenantId: string): string {
  return `data-key:${tenantId}`;
}
