import { createHmac, type KeyObject } from 'node:crypto';

/**
 * An IP address as a keyed HMAC-SHA-256, 22 base64url characters (132 bits). Addresses are personal data; this
 * form still tells whether two requests came from the same address, but without the key it cannot be turned
 * back, not even by trying all four billion IPv4 addresses. Each use derives its own secret from the master
 * key, so a pseudonym of one place (a rate-limit counter, a tenant's change log) matches no other.
 */
export function ipPseudonym(secret: Buffer | KeyObject, ip: string): string {
  return createHmac('sha256', secret).update(ip).digest('base64url').slice(0, 22);
}
