import { importJWK, type JWK } from 'jose';
import { ValidationError } from '../errors/http-errors.js';

/** Algorithms a lock may sign its client assertions with; its key's type must fit one of them. */
export const LOCK_KEY_ALGS = { EC: 'ES256', OKP: 'EdDSA', RSA: 'PS256' } as const;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/**
 * The public key a lock registers, checked before it is stored: a key the provider could not use would only
 * show when the lock first asks for a token, and a private key must never be sent, let alone kept.
 */
export async function checkLockKey(jwk: Record<string, unknown>): Promise<JWK> {
  const problem = (message: string) => new ValidationError([{ field: 'jwk', message }]);
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw problem('must be a public key: the private key never leaves the lock');
  const kty = jwk.kty;
  if (typeof kty !== 'string' || !(kty in LOCK_KEY_ALGS)) throw problem('must be an EC (P-256), OKP (Ed25519) or RSA public key');
  if (kty === 'EC' && jwk.crv !== 'P-256') throw problem('an EC key must be on curve P-256');
  if (kty === 'OKP' && jwk.crv !== 'Ed25519') throw problem('an OKP key must be Ed25519');
  try {
    await importJWK(jwk as JWK, LOCK_KEY_ALGS[kty as keyof typeof LOCK_KEY_ALGS]);
  } catch {
    throw problem('is not a valid public key');
  }
  const { kid, kty: _, ...rest } = jwk;
  // Only the key's own members are kept (no use, key_ops or alg to contradict private_key_jwt).
  const members = Object.fromEntries(Object.entries(rest).filter(([k]) => ['crv', 'x', 'y', 'n', 'e'].includes(k)));
  return { kty, ...members, ...(typeof kid === 'string' ? { kid } : {}) } as JWK;
}
