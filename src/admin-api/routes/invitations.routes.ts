import { z } from 'zod';
import { DOOR_KEY } from '../../doors/door.service.js';
import type { Invitation } from '../../invitations/invitation-view.js';
import { ROLE_NAME } from '../../roles/role.service.js';
import type { Services } from '../../services.js';
import { assertMayChangeAdminRoles, roleWarnings } from '../admin-roles.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { asBodyIssues } from '../validate.js';
import { Email, Id, Locale, Page, TenantParams, Timestamp, paged } from '../schemas.js';

const InvitationView = z.object({
  id: z.string(),
  email: z.string().optional().describe('Gone once accepted: the user record holds it from then on'),
  name: z.string().optional(),
  locale: z.string(),
  roles: z.array(z.string()),
  door_permissions: z.array(z.object({ door_id: z.string(), valid_from: z.string().nullable(), valid_until: z.string().nullable() })),
  client_id: z.string().optional(),
  redirect_uri: z.string().optional(),
  state: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  delivery_state: z.enum(['queued', 'sent', 'delivery_failed']).describe('The latest mail: queued (or being retried), accepted by SMTP, or given up'),
  expires_at: z.string(),
  invited_by: z.string(),
  user_id: z.string().nullable(),
  accepted_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  created_at: z.string(),
});
const InvitationCreate = z.strictObject({
  email: Email,
  name: z.string().trim().min(1).max(200).optional(),
  locale: Locale.optional(),
  roles: z.array(z.string().regex(ROLE_NAME, 'lower-case role name')).max(50).default([]),
  door_permissions: z
    .array(z.strictObject({ door_id: z.string().regex(DOOR_KEY, 'a door key'), valid_from: Timestamp.optional(), valid_until: Timestamp.optional() }))
    .max(100)
    .default([]),
  client_id: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("The app the person continues to after accepting: sent to its initiate_login_uri to sign in, else shown a link to its client_uri"),
  redirect_uri: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional()
    .meta({ deprecated: true })
    .describe("Deprecated and unused (an app is never sent a callback without a code): if given, one of client_id's redirect URIs"),
});
const InvitationParams = TenantParams.extend({ invitationId: Id });
const InvitationQuery = Page.extend({ state: InvitationView.shape.state.optional() });

const MANAGERS = ['tenant_admin', 'user_manager'] as const;
const iso = (d: Date | undefined) => d?.toISOString() ?? null;

export function toInvitationView(i: Invitation): z.infer<typeof InvitationView> {
  return {
    id: i.id,
    email: i.email,
    name: i.name,
    locale: i.locale,
    roles: i.roles,
    door_permissions: i.doors.map((d) => ({ door_id: d.doorKey, valid_from: iso(d.validFrom), valid_until: iso(d.validUntil) })),
    client_id: i.clientId,
    redirect_uri: i.redirectUri,
    state: i.state,
    delivery_state: i.delivery,
    expires_at: i.expiresAt.toISOString(),
    invited_by: i.invitedBy,
    user_id: i.userId ?? null,
    accepted_at: iso(i.acceptedAt),
    revoked_at: iso(i.revokedAt),
    created_at: i.createdAt.toISOString(),
  };
}

/** Invitations: sent by mail through the outbox, so creating and resending answer 202 before delivery. */
export function invitationRoutes(services: Services): RouteSpec[] {
  const route = (name: 'resend' | 'revoke', summary: string, status: number) =>
    defineRoute<z.infer<typeof InvitationParams>>({
      method: 'post',
      path: `/tenants/{tenant}/invitations/{invitationId}/${name}`,
      operationId: `${name}Invitation`,
      summary,
      tag: 'invitations',
      access: { scope: 'tenant', roles: MANAGERS },
      params: InvitationParams,
      responses: { [status]: { description: 'The invitation', schema: InvitationView }, 409: { description: 'Not pending' } },
      handler: async ({ tenant, params }) => ({ status, body: toInvitationView(await services.invitations[name](tenant, params.invitationId)) }),
    });
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof InvitationCreate>>({
      method: 'post',
      path: '/tenants/{tenant}/invitations',
      operationId: 'createInvitation',
      summary: 'Invite a person by email, with roles and door permissions; the mail is queued',
      tag: 'invitations',
      access: { scope: 'tenant', roles: MANAGERS },
      params: TenantParams,
      body: InvitationCreate,
      responses: {
        202: { description: 'Created; the mail is queued; `warnings` when a role gives access to personal data', schema: InvitationView, warns: true },
        403: { description: 'An admin role (tenant_admin, user_manager, auditor) offered by a caller who is not a tenant_admin' },
        409: { description: 'The email is a user, or invited already' },
      },
      handler: async ({ tenant, body, principal }) => {
        // Accepting gives the roles offered here, so offering one is giving it.
        assertMayChangeAdminRoles(principal, [], body.roles);
        const doors = body.door_permissions.map((d) => ({ doorKey: d.door_id, validFrom: d.valid_from, validUntil: d.valid_until }));
        const input = { email: body.email, name: body.name, locale: body.locale, roles: body.roles, doors, clientId: body.client_id, redirectUri: body.redirect_uri };
        // The doors and the client are checked by the service; their fields are named as the body names them.
        const created = await services.invitations.create(tenant, input).catch(asBodyIssues);
        return { status: 202, body: toInvitationView(created), warnings: roleWarnings('user', created.roles) };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof InvitationQuery>>({
      method: 'get',
      path: '/tenants/{tenant}/invitations',
      operationId: 'listInvitations',
      summary: 'List invitations with their state and delivery state; cursor pagination',
      tag: 'invitations',
      access: { scope: 'tenant', roles: MANAGERS },
      params: TenantParams,
      query: InvitationQuery,
      responses: { 200: { description: 'A page of invitations', schema: paged(InvitationView) } },
      handler: async ({ tenant, query }) => {
        const page = await services.invitations.list(tenant, query);
        return { body: { items: page.items.map(toInvitationView), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute<z.infer<typeof InvitationParams>>({
      method: 'get',
      path: '/tenants/{tenant}/invitations/{invitationId}',
      operationId: 'getInvitation',
      summary: 'Read an invitation',
      tag: 'invitations',
      access: { scope: 'tenant', roles: MANAGERS },
      params: InvitationParams,
      responses: { 200: { description: 'The invitation', schema: InvitationView } },
      handler: async ({ tenant, params }) => ({ body: toInvitationView(await services.invitations.get(tenant, params.invitationId)) }),
    }),
    route('resend', 'Send a new link (the old one stops working) with a new expiry', 202),
    route('revoke', 'Withdraw a pending invitation; its link stops working', 200),
  ];
}
