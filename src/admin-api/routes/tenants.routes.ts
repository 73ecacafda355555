import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../i18n/locales.js';
import type { Services } from '../../services.js';
import type { TenantDoc } from '../../tenants/tenant.model.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Page, Slug, TenantParams, paged, patchBody } from '../schemas.js';
import { checkSettings, SettingsFields, settingsPatch, SettingsView, settingsView, settingsWarnings } from '../tenant-settings.js';
import { asBodyIssues } from '../validate.js';
import { adminRoleWarnings, FirstAdmins, SentInvitationView, toSentInvitation } from './tenant-admins.routes.js';

const TenantCreate = z.strictObject({
  slug: Slug,
  name: z.string().trim().min(1).max(200),
  settings: SettingsFields.optional(),
  admins: FirstAdmins.optional().describe('The first tenant_admins, each invited by mail; operators cannot administer a tenant, so without these nobody can'),
});
const TenantUpdate = patchBody(z.strictObject({ name: z.string().trim().min(1).max(200).optional(), settings: SettingsFields.optional() }));
const TenantView = z.object({
  slug: z.string(),
  name: z.string(),
  state: z.enum(['active', 'suspended', 'terminated']),
  issuer: z.string(),
  settings: SettingsView,
  created_at: z.string(),
});

export function tenantRoutes(services: Services, publicUrl: string): RouteSpec[] {
  const view = (t: TenantDoc): z.infer<typeof TenantView> => ({
    slug: t.slug,
    name: t.name,
    state: t.state,
    issuer: `${publicUrl}/t/${t.slug}`,
    settings: settingsView(t, publicUrl),
    created_at: t.createdAt.toISOString(),
  });
  const stateRoute = (name: string, state: TenantDoc['state'], summary: string) =>
    defineRoute<z.infer<typeof TenantParams>>({
      method: 'post',
      path: `/tenants/{tenant}/${name}`,
      operationId: `${name}Tenant`,
      summary,
      tag: 'tenants',
      access: { scope: 'platform' },
      params: TenantParams,
      responses: { 200: { description: 'The tenant', schema: TenantView }, 409: { description: 'The platform tenant, which is never suspended' } },
      handler: async ({ tenant }) => ({ body: view(await services.tenants.setState(tenant._id, state)) }),
    });

  return [
    defineRoute<unknown, unknown, z.infer<typeof TenantCreate>>({
      method: 'post',
      path: '/tenants',
      operationId: 'createTenant',
      summary: 'Create a tenant with its keys and data key, and invite its first tenant_admins by mail',
      tag: 'tenants',
      access: { scope: 'platform' },
      body: TenantCreate,
      responses: {
        201: { description: 'Created; one invitation per admin, its mail queued (nothing of the invitees is answered)', schema: TenantView.extend({ invitations: z.array(SentInvitationView) }), warns: true },
        409: { description: 'The slug is taken' },
      },
      handler: async ({ body }) => {
        checkSettings({ locales: body.settings?.locales ?? [...SUPPORTED_LOCALES] }, body.settings, 'body.settings');
        const input = { slug: body.slug, name: body.name, settings: settingsPatch(body.settings) };
        // Invitees are checked before the tenant is made: bad input leaves no tenant behind.
        const { tenant, invitations } = await services.onboarding.createWithAdmins(input, body.admins ?? []).catch(asBodyIssues);
        const warnings = [...settingsWarnings(body.settings), ...(invitations.length ? adminRoleWarnings() : [])];
        return { status: 201, body: { ...view(tenant), invitations: invitations.map(toSentInvitation) }, warnings };
      },
    }),
    defineRoute<unknown, z.infer<typeof Page>>({
      method: 'get',
      path: '/tenants',
      operationId: 'listTenants',
      summary: 'List tenants',
      tag: 'tenants',
      access: { scope: 'platform' },
      query: Page,
      responses: { 200: { description: 'A page of tenants', schema: paged(TenantView) } },
      handler: async ({ query }) => {
        const page = await services.tenants.list(query);
        return { body: { items: page.items.map(view), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>>({
      method: 'get',
      path: '/tenants/{tenant}',
      operationId: 'getTenant',
      summary: 'Read a tenant',
      tag: 'tenants',
      access: { scope: 'tenant', roles: ['tenant_admin'], operator: true },
      params: TenantParams,
      responses: { 200: { description: 'The tenant', schema: TenantView } },
      handler: ({ tenant }) => ({ body: view(tenant) }),
    }),
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof TenantUpdate>>({
      method: 'patch',
      path: '/tenants/{tenant}',
      operationId: 'updateTenant',
      summary: 'Rename a tenant or change its settings',
      tag: 'tenants',
      access: { scope: 'tenant', roles: ['tenant_admin'], operator: true },
      params: TenantParams,
      body: TenantUpdate,
      responses: { 200: { description: 'The tenant; `warnings` when a setting changes how long personal data is kept', schema: TenantView, warns: true } },
      handler: async ({ tenant, body }) => {
        checkSettings(tenant.settings, body.settings, 'body.settings');
        const updated = await services.tenants.update(tenant._id, { name: body.name, settings: settingsPatch(body.settings) });
        return { body: view(updated), warnings: settingsWarnings(body.settings, tenant.settings) };
      },
    }),
    stateRoute('suspend', 'suspended', 'Suspend a tenant: no sign-in, its tokens stop verifying'),
    stateRoute('resume', 'active', 'Resume a suspended tenant'),
  ];
}
