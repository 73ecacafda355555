import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { open, seal } from './aes-gcm.js';

/**
 * Field-level encryption with one tenant's data key. Destroying that key (tenant termination) makes every
 * copy of the tenant's personal data unreadable, backups included. `blindIndex` gives equality lookups (email)
 * without storing the value: a keyed hash, so the database alone cannot confirm a guessed address.
 */
export class FieldCipher {
  // KeyObjects, prepared once: every user read opens several fields (see aes-gcm.ts).
  private readonly encKey: KeyObject;
  private readonly indexKey: KeyObject;

  constructor(dataKey: Buffer, private readonly tenantId: string) {
    this.encKey = createSecretKey(Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'field-encryption', 32)));
    this.indexKey = createSecretKey(Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'blind-index', 32)));
  }

  encrypt(value: string, field: string): string {
    return seal(this.encKey, Buffer.from(value, 'utf8'), `${this.tenantId}:${field}`);
  }

  decrypt(box: string, field: string): string {
    return open(this.encKey, box, `${this.tenantId}:${field}`).toString('utf8');
  }

  encryptOptional(value: string | undefined | null, field: string): string | undefined {
    return value === undefined || value === null || value === '' ? undefined : this.encrypt(value, field);
  }

  decryptOptional(box: string | undefined | null, field: string): string | undefined {
    return box ? this.decrypt(box, field) : undefined;
  }

  blindIndex(value: string, field: string): string {
    return createHmac('sha256', this.indexKey).update(`${field}\0${value}`).digest('base64url');
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
