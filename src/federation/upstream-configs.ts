import { createRemoteJWKSet } from 'jose';
import * as client from 'openid-client';
import { BoundedCache } from '../db/bounded-cache.js';
import type { UpstreamIdpDoc } from './upstream-idp.model.js';

/**
 * How long an upstream provider's discovery document and JWKS are used before they are fetched again. A key
 * the provider starts signing with is fetched at once (an unknown `kid` reloads the JWKS), and a provider
 * changed or removed here is fetched again at its next sign-in.
 */
export const UPSTREAM_METADATA_TTL_MS = 10 * 60 * 1000;

/** How long we wait for an upstream provider's answer before telling the person it cannot be reached. */
export const UPSTREAM_TIMEOUT_S = 10;

export interface UpstreamConfig {
  config: client.Configuration;
  jwks: ReturnType<typeof createRemoteJWKSet>;
  /** The provider as it was when this was read: a provider changed since (in any process) is read again. */
  updatedAt: number;
}

/** Each upstream provider's metadata and keys, per provider, so a sign-in does not fetch them every time. */
export class UpstreamConfigs {
  private readonly kept = new BoundedCache<UpstreamConfig>({ ttlMs: UPSTREAM_METADATA_TTL_MS, max: 1_000 });

  async of(idp: UpstreamIdpDoc, secret: string): Promise<UpstreamConfig> {
    const key = keyOf(idp.tenantId, idp._id);
    const updatedAt = new Date(idp.updatedAt).getTime();
    const load = () => discover(idp, secret, updatedAt);
    const kept = (await this.kept.get(key, load))!;
    if (kept.updatedAt === updatedAt) return kept;
    this.kept.forget(key);
    return (await this.kept.get(key, load))!;
  }

  /** The provider was changed or removed in this process. */
  forget(tenantId: string, id: string): void {
    this.kept.forget(keyOf(tenantId, id));
  }
}

const keyOf = (tenantId: string, id: string) => `${tenantId}:${id}`;

async function discover(idp: UpstreamIdpDoc, secret: string, updatedAt: number): Promise<UpstreamConfig> {
  // Plain http only for a provider on the loopback, which the admin API alone lets through.
  const execute = new URL(idp.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [];
  const config = await client.discovery(new URL(idp.issuer), idp.clientId, secret, client.ClientSecretBasic(secret), { execute, timeout: UPSTREAM_TIMEOUT_S });
  const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!), { timeoutDuration: UPSTREAM_TIMEOUT_S * 1000, cacheMaxAge: UPSTREAM_METADATA_TTL_MS });
  return { config, jwks, updatedAt };
}
