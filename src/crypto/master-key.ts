import { createHash, hkdfSync } from 'node:crypto';
import { open, seal } from './aes-gcm.js';

/**
 * The operator's master key. It never touches the database: it wraps each tenant's data key and private
 * signing keys, and derives the secrets every process must share (cookie keys), so N processes with the same
 * master key behave as one.
 */
export class MasterKey {
  readonly id: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The master key must be 32 bytes');
    this.id = createHash('sha256').update(key).digest('base64url').slice(0, 16);
  }

  wrap(secret: Buffer, aad: string): string {
    return seal(this.key, secret, aad);
  }

  unwrap(box: string, aad: string): Buffer {
    return open(this.key, box, aad);
  }

  /** A stable secret for one purpose, e.g. `cookies:<tenantId>`. */
  derive(purpose: string, length = 32): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, length));
  }
}
