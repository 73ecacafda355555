import mount from 'koa-mount';
import type { Middleware } from 'koa';
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
}

export interface RuntimeDeps extends ProviderDeps {
  metrics: AppMetrics;
  logger: Logger;
}

export async function buildTenantRuntime(tenant: TenantDoc, deps: RuntimeDeps): Promise<TenantRuntime> {
  const provider = await createProvider(tenant, deps);
  observeProvider(provider, tenant.slug, deps.metrics, deps.logger);
  return { tenant, provider, oidc: mount(`/t/${tenant.slug}`, provider as never) as Middleware };
}
