import { createHmac } from 'node:crypto';
import type { MasterKey } from '../crypto/master-key.js';

/**
 * A device's id: a keyed HMAC of its public key's thumbprint, with a secret derived per tenant from the master
 * key. The same phone key gives the same id at one tenant (registering twice is noticed) and unrelated ids at
 * two tenants; without the key the id cannot be tied back to the key, and no hardware identifier is ever asked.
 */
export function deviceIdOf(masterKey: MasterKey, tenantId: string, jkt: string): string {
  const secret = masterKey.derive(`device-id:${tenantId}`);
  return `dev_${createHmac('sha256', secret).update(jkt).digest('base64url').slice(0, 22)}`;
}
