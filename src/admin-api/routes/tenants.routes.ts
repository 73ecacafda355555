import { z } from 'zod';
import { DEFAULT_INVITATION_RETENTION_DAYS } from '../../privacy/invitation-retention.js';
import type { Services } from '../../services.js';
import type { TenantDoc } from '../../tenants/tenant.model.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Locale, Page, Slug, TenantParams, paged } from '../schemas.js';

const Settings = z.strictObject({
  locales: z.array(Locale).min(1).max(4).optional(),
  change_log_retention_days: z.number().int().min(30).max(3650).optional(),
  inactivity_days: z.number().int().min(30).max(3650).optional(),
  invitation_ttl_hours: z.number().int().min(1).max(24 * 30).optional(),
  invitation_retention_days: z.number().int().min(1).max(3650).optional(),
  mfa: z.strictObject({ required_for_roles: z.array(z.string().regex(/^[a-z][a-z0-9_:-]{0,63}$/, 'lower-case role name')).max(50) }).optional(),
});
const TenantCreate = z.strictObject({ slug: Slug, name: z.string().trim().min(1).max(200), settings: Settings.optional() });
const TenantUpdate = z.strictObject({ name: z.string().trim().min(1).max(200).optional(), settings: Settings.optional() });
const TenantView = z.object({
  slug: z.string(),
  name: z.string(),
  state: z.enum(['active', 'suspended', 'terminated']),
  issuer: z.string(),
  settings: z.object({
    locales: z.array(z.string()),
    change_log_retention_days: z.number(),
    inactivity_days: z.number(),
    invitation_ttl_hours: z.number(),
    invitation_retention_days: z.number(),
    mfa: z.object({ required_for_roles: z.array(z.string()) }),
  }),
  created_at: z.string(),
});

/** The retention beyond which the answer warns: longer than the 24 months customers were promised by default. */
const LONG_RETENTION_DAYS = 730;

function settingsPatch(s: z.infer<typeof Settings> | undefined) {
  if (!s) return undefined;
  return Object.fromEntries(
    Object.entries({
      locales: s.locales,
      changeLogRetentionDays: s.change_log_retention_days,
      inactivityDays: s.inactivity_days,
      invitationTtlHours: s.invitation_ttl_hours,
      invitationRetentionDays: s.invitation_retention_days,
      mfa: s.mfa && { requiredForRoles: s.mfa.required_for_roles },
    }).filter(([, v]) => v !== undefined),
  );
}

function warningsFor(s: z.infer<typeof Settings> | undefined): string[] {
  const warnings: string[] = [];
  if (s?.change_log_retention_days && s.change_log_retention_days > LONG_RETENTION_DAYS) {
    warnings.push(`A change-log retention of ${s.change_log_retention_days} days keeps records of personal-data changes longer than the default 24 months; make sure your records of processing justify it.`);
  }
  if (s?.inactivity_days && s.inactivity_days > LONG_RETENTION_DAYS) {
    warnings.push(`Inactive users will be anonymized only after ${s.inactivity_days} days, later than the 2 years promised by default; personal data of people who left is kept longer.`);
  }
  return warnings;
}

export function tenantRoutes(services: Services, publicUrl: string): RouteSpec[] {
  const view = (t: TenantDoc): z.infer<typeof TenantView> => ({
    slug: t.slug,
    name: t.name,
    state: t.state,
    issuer: `${publicUrl}/t/${t.slug}`,
    settings: {
      locales: t.settings.locales,
      change_log_retention_days: t.settings.changeLogRetentionDays,
      inactivity_days: t.settings.inactivityDays,
      invitation_ttl_hours: t.settings.invitationTtlHours,
      invitation_retention_days: t.settings.invitationRetentionDays ?? DEFAULT_INVITATION_RETENTION_DAYS,
      mfa: { required_for_roles: t.settings.mfa?.requiredForRoles ?? [] },
    },
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
      summary: 'Create a tenant with its keys and data key',
      tag: 'tenants',
      access: { scope: 'platform' },
      body: TenantCreate,
      responses: { 201: { description: 'Created', schema: TenantView }, 409: { description: 'The slug is taken' } },
      handler: async ({ body }) => {
        const tenant = await services.tenants.create({ slug: body.slug, name: body.name, settings: settingsPatch(body.settings) });
        return { status: 201, body: view(tenant), warnings: warningsFor(body.settings) };
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
      responses: { 200: { description: 'The tenant', schema: TenantView } },
      handler: async ({ tenant, body }) => {
        const updated = await services.tenants.update(tenant._id, { name: body.name, settings: settingsPatch(body.settings) });
        return { body: view(updated), warnings: warningsFor(body.settings) };
      },
    }),
    stateRoute('suspend', 'suspended', 'Suspend a tenant: no sign-in, its tokens stop verifying'),
    stateRoute('resume', 'active', 'Resume a suspended tenant'),
  ];
}
