import { z } from 'zod';
import type { Services } from '../../services.js';
import { ADMIN_ROLE, MAX_FIRST_ADMINS, type SentInvitation } from '../../tenants/tenant-onboarding.service.js';
import { roleWarnings } from '../admin-roles.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Email, Locale, TenantParams } from '../schemas.js';
import { asBodyIssues } from '../validate.js';

/** A person an operator asks to become a tenant's admin: all an operator ever hands over of them. */
export const AdminInvitee = z.strictObject({
  email: Email,
  name: z.string().trim().min(1).max(200).optional(),
  locale: Locale.optional().describe("The mail's and the pages' language; without it the tenant's first language"),
});
export const FirstAdmins = z.array(AdminInvitee).min(1).max(MAX_FIRST_ADMINS);

/** What the operator learns of an invitation: that it was sent, and until when it can be accepted. Nothing of the person. */
export const SentInvitationView = z.object({ id: z.string(), expires_at: z.string() });

export const toSentInvitation = (i: SentInvitation): z.infer<typeof SentInvitationView> => ({ id: i.id, expires_at: i.expiresAt.toISOString() });

/** Told to whoever makes someone a tenant's admin: it is access to every user's personal data. */
export const adminRoleWarnings = (): string[] => roleWarnings('user', [ADMIN_ROLE]);

/**
 * Break-glass: an operator sends a tenant that lost all of its admins a new one. Operators still read none of
 * the tenant's users or invitations; the answer says only that the invitation left.
 */
export function tenantAdminRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof AdminInvitee>>({
      method: 'post',
      path: '/tenants/{tenant}/admin-invitations',
      operationId: 'inviteReplacementAdmin',
      summary: 'Invite a new tenant_admin into a tenant that has no active one left (break-glass); the mail is queued',
      tag: 'tenants',
      access: { scope: 'platform' },
      params: TenantParams,
      body: AdminInvitee,
      responses: {
        202: { description: 'Sent; recorded in the platform\'s and the tenant\'s change logs; `warnings` say what this means for the tenant\'s personal data', schema: SentInvitationView, warns: true },
        409: { description: 'The tenant still has an active tenant_admin (a user or a service account), or is not active' },
      },
      handler: async ({ tenant, body, principal }) => {
        const sent = await services.onboarding.inviteReplacementAdmin(principal.tenantId, tenant, body).catch(asBodyIssues);
        const warnings = [
          `You, an operator, sent a tenant_admin invitation into ${tenant.slug}, a customer's tenant: keep the customer's request for it. The tenant's change log, which its auditors read, names you.`,
          ...adminRoleWarnings(),
        ];
        return { status: 202, body: toSentInvitation(sent), warnings };
      },
    }),
  ];
}
