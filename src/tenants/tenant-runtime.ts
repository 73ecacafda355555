import { createLocalJWKSet } from 'jose';
import mount from 'koa-mount';
import type { Middleware } from 'koa';
import { pinToPublicUrl } from '../http/public-url.middleware.js';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { AppMetrics } from '../observability/metrics.js';
import { observeProvider } from '../oidc/provider-events.js';
import { createProvider, type ProviderDeps } from '../oidc/provider.factory.js';
import type { TenantDoc } from './tenant.model.js';

/** Everything one tenant needs at request time, built from its document and cached by the TenantPool. */
export interface TenantRuntime {
  tenant: TenantDoc;
  provider: Provider;
  /** The provider mounted under /t/<slug>. */
  oidc: Middleware;
  /** The tenant's published keys, for verifying its tokens in-process (admin API). */
  publicJwks: ReturnType<typeof createLocalJWKSet>;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

export interface RuntimeDeps extends ProviderDeps {
  metrics: AppMetrics;
  logger: Logger;
}

export async function buildTenantRuntime(tenant: TenantDoc, deps: RuntimeDeps): Promise<TenantRuntime> {
  const jwks = await deps.signingKeys.providerJwks(tenant._id, tenant.signingKeyIds);
  const provider = createProvider(tenant, jwks, deps);
  observeProvider(provider, tenant, { metrics: deps.metrics, logger: deps.logger, markActive: (t, id, at) => deps.users.touchLastActive(t, id, at) });
  const mounted = mount(`/t/${tenant.slug}`, provider as never) as Middleware;
  // The provider publishes URLs of PUBLIC_URL, never of the Host a request names.
  const publicUrlOnly = pinToPublicUrl(deps.publicUrl);
  const publicKeys = jwks.map((jwk) => Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.includes(k))));
  return {
    tenant,
    provider,
    oidc: (ctx, next) => publicUrlOnly(ctx, () => mounted(ctx, next)),
    publicJwks: createLocalJWKSet({ keys: publicKeys }),
  };
}
