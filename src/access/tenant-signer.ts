import { importJWK, SignJWT, type JWTPayload } from 'jose';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import type { TenantDoc } from '../tenants/tenant.model.js';

/**
 * Signs what a lock checks offline (door keys, revocation lists) with the tenant's current ES256 key: the key
 * its JWKS publishes at /t/<slug>/jwks, so a lock needs nothing else. `typ` tells the kinds apart, so neither
 * passes for an access token nor for the other.
 */
export async function signForLocks(signingKeys: SigningKeyService, tenant: TenantDoc, typ: string, payload: JWTPayload, ttlSeconds: number): Promise<string> {
  const jwks = await signingKeys.providerJwks(tenant._id, tenant.signingKeyIds);
  // Current keys come first (providerJwks): the one the provider signs its ES256 tokens with.
  const jwk = jwks.find((k) => k.alg === 'ES256');
  if (!jwk) throw new Error(`Tenant ${tenant._id} has no ES256 signing key`);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ })
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(await importJWK(jwk, 'ES256'));
}
