import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import { Readable } from 'node:stream';
import { runWithContext } from '../audit/request-context.js';
import { NotFoundError } from '../errors/http-errors.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import { authorize } from './access.js';
import { actsOnUser, assertMayActOn } from './admin-roles.js';
import { authenticate, type AdminAuthDeps } from './admin-auth.js';
import { buildOpenApi } from './openapi.js';
import { checkResponse, statusOf } from './response-check.js';
import { WARNING_HEADER, type RouteResult, type RouteSpec } from './route-spec.js';
import { validate } from './validate.js';

export const ADMIN_API_PREFIX = '/admin/api/v1';

export function adminAudience(publicUrl: string): string {
  return `${publicUrl}/admin/api`;
}

export interface AdminApiDeps extends AdminAuthDeps {
  loadTenant(slug: string): Promise<TenantDoc | null>;
  /** Hold each route's answer to its spec (response-check.ts); off in production. */
  checkResponses?: boolean;
}

/**
 * The admin API: each route is authenticated, authorized against the matrix in access.ts, validated by its
 * schemas, and runs inside a request context that names the acting identity for the change log.
 */
export function adminApiRouter(routes: readonly RouteSpec[], deps: AdminApiDeps): Router {
  const router = new Router({ prefix: ADMIN_API_PREFIX });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' });
  const document = buildOpenApi(routes, `${deps.publicUrl}${ADMIN_API_PREFIX}`);

  router.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });

  for (const route of routes) {
    const koaPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    router[route.method](koaPath, json, async (ctx: Context) => {
      const principal = await authenticate(ctx, deps);
      const params = validate(route.params, ctx.params, 'params') as Record<string, unknown>;
      const slug = typeof params.tenant === 'string' ? params.tenant : undefined;
      authorize(route.access, principal, slug);
      const tenant = await deps.loadTenant(slug ?? principal.tenantSlug);
      if (!tenant) throw new NotFoundError('Tenant');
      const query = validate(route.query, ctx.query, 'query');
      const body = validate(route.body, ctx.request.body, 'body');
      if (actsOnUser(route)) assertMayActOn(principal, await deps.services.users.getById(tenant, String(params.userId)));
      const actor = { type: principal.kind, id: principal.id, tenant: principal.tenantSlug } as const;
      const result = await runWithContext({ actor, requestId: ctx.state.requestId, ip: ctx.ip }, () =>
        Promise.resolve(route.handler({ params, query, body, principal, tenant, ctx })),
      );
      if (deps.checkResponses) checkResponse(route, result);
      respond(ctx, result);
    });
  }
  return router;
}

function respond(ctx: Context, result: RouteResult): void {
  if (result.headers) ctx.set(result.headers);
  if (result.warnings?.length) ctx.set(WARNING_HEADER, result.warnings);
  ctx.status = statusOf(result);
  if (result.stream) {
    ctx.type = result.stream.type;
    if (result.stream.filename) ctx.attachment(result.stream.filename);
    ctx.body = 'pipe' in result.stream.data ? result.stream.data : Readable.from(result.stream.data);
    return;
  }
  if (result.body === undefined) return;
  ctx.body = result.warnings?.length && isPlainObject(result.body) ? { ...result.body, warnings: result.warnings } : result.body;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
