import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AdminAuthDeps } from '../admin-api/admin-auth.js';
import { runWithContext } from '../audit/request-context.js';
import { UnknownTenantError } from '../errors/http-errors.js';
import { scimPrincipal } from './scim-auth.js';
import type { ScimRequest, ScimServices } from './scim-context.js';
import { scimDiscoveryRoutes } from './scim-discovery.routes.js';
import { badRequest, SCIM_CONTENT_TYPE, scimErrors } from './scim-errors.js';
import { scimGroupRoutes } from './scim-groups.routes.js';
import { scimUserRoutes } from './scim-users.routes.js';

export const SCIM_PATH = '/scim/v2';

export type Handle = (router: Router, path: string, method: 'get' | 'post' | 'put' | 'patch' | 'delete', fn: (req: ScimRequest) => Promise<void>) => void;

export interface ScimDeps extends Omit<AdminAuthDeps, 'services'> {
  services: ScimServices;
}

/**
 * SCIM 2.0 (RFC 7643/7644) of each tenant at /t/<slug>/scim/v2. Every request: SCIM errors, the caller
 * authenticated (scim-auth.ts), the tenant read fresh, and the work run in a request context naming the service
 * account, so the change log says who provisioned what, as it does for the admin API.
 */
export function scimRouter(tenantRouter: Router, deps: ScimDeps): void {
  const json = bodyParser({ enableTypes: ['json'], extendTypes: { json: ['application/json', SCIM_CONTENT_TYPE] }, jsonLimit: '1mb', encoding: 'utf-8' });
  const handle: Handle = (router, path, method, fn) => {
    router[method](`${SCIM_PATH}${path}`, scimErrors, async (ctx: Context, next) => {
      const slug = String(ctx.params.slug);
      const principal = await scimPrincipal(ctx, slug, deps);
      const tenant = await deps.services.tenants.findBySlug(slug);
      if (!tenant || tenant.state !== 'active') throw new UnknownTenantError();
      ctx.state.scim = { ctx, tenant, principal, base: `${deps.publicUrl}/t/${slug}${SCIM_PATH}` } satisfies ScimRequest;
      await next();
    }, json, async (ctx: Context, next) => {
      if (['post', 'put', 'patch'].includes(method) && !ctx.is('application/json', SCIM_CONTENT_TYPE)) throw badRequest('invalidSyntax', `The body must be ${SCIM_CONTENT_TYPE}`);
      await next();
    }, async (ctx: Context) => {
      const req = ctx.state.scim as ScimRequest;
      const actor = { type: principal(req), id: req.principal.id, tenant: req.principal.tenantSlug } as const;
      await runWithContext({ actor, requestId: ctx.state.requestId, ip: ctx.ip }, () => fn(req));
    });
  };
  scimUserRoutes(tenantRouter, handle, deps.services);
  scimGroupRoutes(tenantRouter, handle, deps.services);
  scimDiscoveryRoutes(tenantRouter, handle);
}

const principal = (req: ScimRequest) => req.principal.kind;
