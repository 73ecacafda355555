import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { TenantDoc } from '../tenants/tenant.model.js';

/**
 * Resource indicators (RFC 8707): a tenant's registered APIs (lock back-ends among them) receive JWT access
 * tokens they can verify offline against the tenant's JWKS. Unregistered resources are refused. The admin
 * API is a resource of every tenant.
 */
export function resourceIndicators(tenant: TenantDoc, adminAudience: string) {
  return {
    enabled: true,
    defaultResource: () => undefined,
    useGrantedResource: () => false,
    getResourceServerInfo(_ctx: KoaContextWithOIDC, indicator: string): ResourceServer {
      // Every tenant's admins and service accounts call the admin API with tokens of their own tenant.
      if (indicator === adminAudience) {
        return { scope: 'admin', audience: adminAudience, accessTokenTTL: 300, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      }
      const resource = tenant.settings.resources.find((r) => r.indicator === indicator);
      if (!resource) throw new errors.InvalidTarget();
      return {
        scope: resource.scopes.join(' '),
        audience: resource.indicator,
        accessTokenTTL: resource.accessTokenTtl,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      };
    },
  };
}
