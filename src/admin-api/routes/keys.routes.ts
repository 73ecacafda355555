import { z } from 'zod';
import { LONGEST_SIGNED_TOKEN_TTL } from '../../oidc/token-lifetimes.js';
import type { Services } from '../../services.js';
import type { TenantDoc } from '../../tenants/tenant.model.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { TenantParams } from '../schemas.js';

const KeyView = z.object({
  kid: z.string(),
  alg: z.string(),
  status: z.enum(['current', 'next', 'retired']),
  created_at: z.string(),
  activated_at: z.string().nullable(),
  retired_at: z.string().nullable(),
  /** When a retired key stops being published. */
  expires_at: z.string().nullable(),
});
const KeyList = z.object({ items: z.array(KeyView) });

/** Clock skew between us and verifiers, and verifiers still holding a token a little past its expiry. */
const RETENTION_MARGIN_SECONDS = 3600;

/**
 * How long a retired key stays published: the longest lifetime of anything it may have signed (ID tokens, or
 * a tenant resource's JWT access tokens if longer), plus a margin.
 */
export function signingKeyRetentionSeconds(tenant: Pick<TenantDoc, 'settings'>): number {
  const longest = Math.max(LONGEST_SIGNED_TOKEN_TTL, ...tenant.settings.resources.map((r) => r.accessTokenTtl));
  return longest + RETENTION_MARGIN_SECONDS;
}

const ORDER = { current: 0, next: 1, retired: 2 } as const;

/** A tenant's signing keys: what is published and when, never key material. */
export function keyRoutes(services: Services): RouteSpec[] {
  const list = async (tenantId: string): Promise<z.infer<typeof KeyList>> => {
    const keys = await services.signingKeys.list(tenantId);
    const items = keys
      .sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.alg.localeCompare(b.alg) || b.createdAt.getTime() - a.createdAt.getTime())
      .map((k) => ({
        kid: k.kid,
        alg: k.alg,
        status: k.status,
        created_at: k.createdAt.toISOString(),
        activated_at: k.activatedAt?.toISOString() ?? null,
        retired_at: k.retiredAt?.toISOString() ?? null,
        expires_at: k.expiresAt?.toISOString() ?? null,
      }));
    return { items };
  };
  const access = { scope: 'tenant', roles: ['tenant_admin'], operator: true } as const;

  return [
    defineRoute<z.infer<typeof TenantParams>>({
      method: 'get',
      path: '/tenants/{tenant}/keys',
      operationId: 'listSigningKeys',
      summary: 'Signing keys: current, next and retired, with their dates',
      tag: 'keys',
      access,
      params: TenantParams,
      responses: { 200: { description: 'The keys', schema: KeyList } },
      handler: async ({ tenant }) => ({ body: await list(tenant._id) }),
    }),
    defineRoute<z.infer<typeof TenantParams>>({
      method: 'post',
      path: '/tenants/{tenant}/keys/rotate',
      operationId: 'rotateSigningKeys',
      summary: 'Rotate: next signs from now on, current stays published until its tokens have expired',
      tag: 'keys',
      access,
      params: TenantParams,
      responses: { 200: { description: 'The keys after rotation', schema: KeyList } },
      handler: async ({ tenant }) => {
        await services.tenants.rotateSigningKeys(tenant._id, signingKeyRetentionSeconds(tenant));
        return { body: await list(tenant._id) };
      },
    }),
  ];
}
