import type { paths } from '../../api/schema';

/** A tenant as the API lists it (src/admin-api/routes/tenants.routes.ts): the type follows the OpenAPI document. */
export type Tenant = paths['/tenants']['get']['responses'][200]['content']['application/json']['items'][number];

/** What termination answered (src/admin-api/routes/termination.routes.ts): the export's key is in it once. */
export type Termination = paths['/tenants/{tenant}']['delete']['responses'][200]['content']['application/json'];

/** The languages a person invited as admin may be written to in (the API's Locale). */
export const INVITEE_LOCALES = ['en', 'da', 'de', 'sv'] as const;
export type InviteeLocale = (typeof INVITEE_LOCALES)[number];

/** The most first admins one tenant may be created with (MAX_FIRST_ADMINS). */
export const MAX_FIRST_ADMINS = 10;

/** What an operator may do with a tenant; which of these a row offers follows from the tenant's state. */
export type TenantAction = 'suspend' | 'resume' | 'rotate' | 'invite' | 'terminate';

export function actionsFor(tenant: Tenant): TenantAction[] {
  if (tenant.state === 'terminated') return [];
  // The platform tenant is the operators' own: it is never suspended or terminated from its own console.
  if (tenant.slug === 'platform') return ['rotate'];
  return tenant.state === 'active' ? ['suspend', 'rotate', 'invite', 'terminate'] : ['resume', 'rotate', 'terminate'];
}
