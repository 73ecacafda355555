import type { Context } from 'koa';
import { authenticate, type AdminAuthDeps } from '../admin-api/admin-auth.js';
import type { Principal } from '../admin-api/principal.js';
import { UnauthorizedError } from '../errors/http-errors.js';
import { ScimError } from './scim-errors.js';

/** The service role a tenant admin gives a service account to let it provision through SCIM, and nothing else. */
export const SCIM_ROLE = 'scim_provisioner';

/**
 * A SCIM client is a service account of this tenant holding `scim_provisioner`, with an access token for the
 * admin API audience obtained by client credentials at /t/<slug>/token. Only a tenant admin hands that role
 * out (src/admin-api/admin-roles.ts). A token of another tenant is not accepted here: 401, nothing about
 * this tenant is read. People's tokens are refused: provisioning is a system's job.
 */
export async function scimPrincipal(ctx: Context, slug: string, deps: AdminAuthDeps): Promise<Principal> {
  const principal = await authenticate(ctx, deps);
  if (principal.tenantSlug !== slug) throw new UnauthorizedError('The access token was not issued by this tenant');
  if (principal.kind !== 'service' || !principal.roles.includes(SCIM_ROLE)) {
    throw new ScimError(403, `Only a service account of this tenant holding ${SCIM_ROLE} may use SCIM`);
  }
  return principal;
}
