import mount from 'koa-mount';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { createProvider, type ProviderDeps } from '../oidc/provider.factory.js';
import type { TenantDoc } from './tenant.model.js';

/** Everything one tenant needs at request time, built from its document and cached by the TenantPool. */
export interface TenantRuntime {
  tenant: TenantDoc;
  provider: Provider;
  /** The provider mounted under /t/<slug>. */
  oidc: Middleware;
}

export async function buildTenantRuntime(tenant: TenantDoc, deps: ProviderDeps): Promise<TenantRuntime> {
  const provider = await createProvider(tenant, deps);
  return { tenant, provider, oidc: mount(`/t/${tenant.slug}`, provider as never) as Middleware };
}
