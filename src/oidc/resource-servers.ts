import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { ACCESS_AUDIENCE, ACCESS_SCOPES, ACCESS_TOKEN_TTL, DEVICES_SCOPE, LOCK_CLIENT_PROPERTY } from '../access/access-audience.js';
import { mayRequestAdminAudience } from '../clients/console-client.js';
import { claimsOf } from '../tenants/resource-server.service.js';
import type { ResourceClaim, TenantDoc } from '../tenants/tenant.model.js';

/** Lifetime of admin API access tokens: short, the console refreshes them. */
export const ADMIN_ACCESS_TOKEN_TTL = 300;

type Client = { clientId: string; metadata(): Record<string, unknown> } | undefined;

/**
 * Resource indicators (RFC 8707): a tenant's registered APIs (lock back-ends among them) receive JWT access
 * tokens they can verify offline against the tenant's JWKS. Unregistered resources are refused. The admin
 * API is a resource of every tenant, but only of the clients designated for administration.
 */
export function resourceIndicators(tenant: TenantDoc, adminAudience: string) {
  return {
    enabled: true,
    defaultResource: () => undefined,
    useGrantedResource: () => false,
    // oidc-provider asks at the authorization endpoint and again at the token endpoint, each with the client.
    getResourceServerInfo(_ctx: KoaContextWithOIDC, indicator: string, client: Client): ResourceServer {
      if (indicator === adminAudience) {
        // An ordinary app must not turn a signed-in admin into an admin API token for itself.
        if (!client || !mayRequestAdminAudience(client.clientId, client.metadata().service_roles)) {
          throw new errors.InvalidTarget('this client may not request the admin API audience');
        }
        return { scope: 'admin', audience: adminAudience, accessTokenTTL: ADMIN_ACCESS_TOKEN_TTL, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      }
      if (indicator === ACCESS_AUDIENCE) {
        if (!client) throw new errors.InvalidTarget('only a lock or an app may request the access API audience');
        // Locks get the lock scopes; any other app only the scope for its person's own devices.
        const isLock = typeof client.metadata()[LOCK_CLIENT_PROPERTY] === 'string';
        return { scope: isLock ? ACCESS_SCOPES.join(' ') : DEVICES_SCOPE, audience: ACCESS_AUDIENCE, accessTokenTTL: ACCESS_TOKEN_TTL, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
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

/**
 * The user claims an access token for this audience carries. The admin API reads roles from the database on
 * every call; the console shows the signed-in admin's roles from its token, so that audience keeps `roles`.
 */
export function userClaimsFor(tenant: TenantDoc, adminAudience: string, audience: string | undefined): ResourceClaim[] {
  if (audience === undefined) return [];
  if (audience === adminAudience) return ['roles'];
  const resource = tenant.settings.resources.find((r) => r.indicator === audience);
  return resource ? claimsOf(resource) : [];
}
