import { z } from 'zod';
import { OIDC_SCOPES } from '../../oidc/provider.factory.js';
import { RESOURCE_ACCESS_TOKEN_TTL } from '../../oidc/token-lifetimes.js';
import type { Services } from '../../services.js';
import { claimsOf, resourceId } from '../../tenants/resource-server.service.js';
import { RESOURCE_CLAIMS, type ResourceServer } from '../../tenants/tenant.model.js';
import { adminAudience } from '../admin-api.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { TenantParams, patchBody } from '../schemas.js';

/** RFC 8707: an absolute URI without a fragment; we accept the two forms lock back-ends use. */
const Identifier = z
  .string()
  .max(500)
  .refine((v) => {
    const url = URL.parse(v);
    return !!url && !v.includes('#') && (url.protocol === 'https:' ? !!url.hostname : /^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i.test(v));
  }, 'an absolute https:// URI or a urn:, without a fragment');
// RFC 6749 scope-token characters, minus the OIDC scopes, which mean something else to the provider.
const Scope = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9:._/-]{0,63}$/, 'letters, digits and : . _ / -, up to 64 characters')
  .refine((s) => !(OIDC_SCOPES as readonly string[]).includes(s) && s !== 'admin', 'an OpenID Connect or reserved scope');
const unique = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max).refine((v) => new Set(v).size === v.length, 'must not repeat a value');
const Fields = {
  name: z.string().trim().min(1).max(200),
  scopes: unique(Scope, 50),
  access_token_ttl: z.number().int().min(RESOURCE_ACCESS_TOKEN_TTL.min).max(RESOURCE_ACCESS_TOKEN_TTL.max),
  claims: unique(z.enum(RESOURCE_CLAIMS), RESOURCE_CLAIMS.length),
};
const ResourceCreate = z.strictObject({
  identifier: Identifier,
  name: Fields.name,
  scopes: Fields.scopes.default([]),
  access_token_ttl: Fields.access_token_ttl.default(RESOURCE_ACCESS_TOKEN_TTL.default),
  // Data minimisation: a resource receives the person's roles or door permissions only when it asks.
  claims: Fields.claims.default([]),
});
const ResourceUpdate = patchBody(z.strictObject(Fields).partial());
const ResourceParams = TenantParams.extend({ resourceId: z.string().regex(/^rsv_[A-Za-z0-9_-]{22}$/, 'not a resource server id') });
const ResourceView = z.object({
  id: z.string(),
  identifier: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  access_token_ttl: z.number(),
  claims: z.array(z.enum(RESOURCE_CLAIMS)),
});

function toView(r: ResourceServer): z.infer<typeof ResourceView> {
  return { id: resourceId(r.indicator), identifier: r.indicator, name: r.name ?? r.indicator, scopes: r.scopes, access_token_ttl: r.accessTokenTtl, claims: claimsOf(r) };
}

const ADMINS = ['tenant_admin'] as const;

/**
 * The APIs (lock back-ends) a tenant's apps get JWT access tokens for, with `resource=<identifier>`. Not
 * personal data, so not in the change log; a change reaches every process's provider within TENANT_REFRESH_MS.
 */
export function resourceServerRoutes(services: Services, publicUrl: string): RouteSpec[] {
  const reserved = adminAudience(publicUrl);
  const Create = ResourceCreate.refine((v) => v.identifier !== reserved, { path: ['identifier'], message: 'the admin API audience is reserved' });
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof ResourceCreate>>({
      method: 'post',
      path: '/tenants/{tenant}/resource-servers',
      operationId: 'createResourceServer',
      summary: 'Register a resource server (an API receiving JWT access tokens)',
      tag: 'resource-servers',
      access: { scope: 'tenant', roles: ADMINS },
      params: TenantParams,
      body: Create,
      responses: { 201: { description: 'Created', schema: ResourceView }, 409: { description: 'The identifier is registered already' } },
      handler: async ({ tenant, body }) => {
        const created = await services.resourceServers.create(tenant._id, {
          indicator: body.identifier,
          name: body.name,
          scopes: body.scopes,
          accessTokenTtl: body.access_token_ttl,
          claims: body.claims,
        });
        return { status: 201, body: toView(created) };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>>({
      method: 'get',
      path: '/tenants/{tenant}/resource-servers',
      operationId: 'listResourceServers',
      summary: 'List resource servers (a tenant has few: no pagination)',
      tag: 'resource-servers',
      access: { scope: 'tenant', roles: ADMINS },
      params: TenantParams,
      responses: { 200: { description: 'The resource servers', schema: z.object({ items: z.array(ResourceView) }) } },
      handler: async ({ tenant }) => ({ body: { items: (await services.resourceServers.list(tenant._id)).map(toView) } }),
    }),
    defineRoute<z.infer<typeof ResourceParams>>({
      method: 'get',
      path: '/tenants/{tenant}/resource-servers/{resourceId}',
      operationId: 'getResourceServer',
      summary: 'Read a resource server',
      tag: 'resource-servers',
      access: { scope: 'tenant', roles: ADMINS },
      params: ResourceParams,
      responses: { 200: { description: 'The resource server', schema: ResourceView } },
      handler: async ({ tenant, params }) => ({ body: toView(await services.resourceServers.get(tenant._id, params.resourceId)) }),
    }),
    defineRoute<z.infer<typeof ResourceParams>, unknown, z.infer<typeof ResourceUpdate>>({
      method: 'patch',
      path: '/tenants/{tenant}/resource-servers/{resourceId}',
      operationId: 'updateResourceServer',
      summary: 'Change a resource server; its identifier is fixed. Tokens issued before keep what they carry',
      tag: 'resource-servers',
      access: { scope: 'tenant', roles: ADMINS },
      params: ResourceParams,
      body: ResourceUpdate,
      responses: { 200: { description: 'The resource server', schema: ResourceView } },
      handler: async ({ tenant, params, body }) => {
        const updated = await services.resourceServers.update(tenant._id, params.resourceId, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.scopes !== undefined ? { scopes: body.scopes } : {}),
          ...(body.access_token_ttl !== undefined ? { accessTokenTtl: body.access_token_ttl } : {}),
          ...(body.claims !== undefined ? { claims: body.claims } : {}),
        });
        return { body: toView(updated) };
      },
    }),
    defineRoute<z.infer<typeof ResourceParams>>({
      method: 'delete',
      path: '/tenants/{tenant}/resource-servers/{resourceId}',
      operationId: 'deleteResourceServer',
      summary: 'Delete a resource server: no new tokens for it; issued ones run out',
      tag: 'resource-servers',
      access: { scope: 'tenant', roles: ADMINS },
      params: ResourceParams,
      responses: { 204: { description: 'Deleted' } },
      handler: async ({ tenant, params }) => {
        await services.resourceServers.delete(tenant._id, params.resourceId);
        return {};
      },
    }),
  ];
}
