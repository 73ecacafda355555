import { decodeJwt, jwtVerify } from 'jose';
import type { Context } from 'koa';
import { UnauthorizedError } from '../errors/http-errors.js';
import type { Services } from '../services.js';
import type { TenantPool } from '../tenants/tenant-pool.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import { OPERATOR_ROLE, PLATFORM_TENANT, type Principal } from './principal.js';

export interface AdminAuthDeps {
  publicUrl: string;
  audience: string;
  pool: TenantPool<TenantRuntime>;
  services: Pick<Services, 'users' | 'clients'>;
}

/**
 * Turns a Bearer access token into a Principal. The token must be a JWT access token issued by one of our
 * tenants for the admin API audience, verified against that tenant's keys (held locally, no HTTP). Roles are
 * read from the database now, not from the token, so a demotion takes effect on the next request.
 */
export async function authenticate(ctx: Context, deps: AdminAuthDeps): Promise<Principal> {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(ctx.get('authorization'));
  if (!match) throw new UnauthorizedError('A Bearer access token is required');
  const token = match[1]!;
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw new UnauthorizedError('The access token is malformed');
  }
  const prefix = `${deps.publicUrl}/t/`;
  // Nothing in the token is trusted before its signature is checked, not even the type of `iss`.
  const runtime = typeof iss === 'string' && iss.startsWith(prefix) ? await deps.pool.get(iss.slice(prefix.length)) : null;
  if (!runtime || runtime.tenant.state !== 'active') throw new UnauthorizedError('The access token was not issued here');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, runtime.publicJwks, {
      issuer: iss as string,
      audience: deps.audience,
      typ: 'at+jwt',
      algorithms: ['ES256', 'RS256'],
    }));
  } catch {
    throw new UnauthorizedError('The access token is invalid or expired');
  }
  const { tenant } = runtime;
  const sub = String(payload.sub);
  let kind: Principal['kind'];
  let roles: string[];
  if (payload.client_id === sub) {
    const client = await deps.services.clients.providerMetadata(tenant._id, sub);
    if (!client) throw new UnauthorizedError('The service account no longer exists');
    kind = 'service';
    roles = Array.isArray(client.service_roles) ? (client.service_roles as string[]) : [];
  } else {
    const user = await deps.services.users.findById(tenant, sub);
    if (!user || user.status !== 'active') throw new UnauthorizedError('The user cannot act now');
    kind = 'user';
    roles = user.roles;
  }
  return {
    kind,
    id: sub,
    tenantId: tenant._id,
    tenantSlug: tenant.slug,
    roles,
    operator: tenant.slug === PLATFORM_TENANT && roles.includes(OPERATOR_ROLE),
  };
}
