import { z } from 'zod';
import type { Services } from '../../services.js';
import { detectImageType, LOGO_MAX_BYTES, LOGO_TYPES } from '../../tenants/branding.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { TenantParams, patchBody } from '../schemas.js';
import { checkSettings, SettingsFields, settingsPatch, SettingsView, settingsView, settingsWarnings } from '../tenant-settings.js';

const SettingsUpdate = patchBody(SettingsFields.extend({ display_name: z.string().trim().min(1).max(200).optional() }));
const TenantSettingsView = SettingsView.extend({ display_name: z.string() });

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LABEL = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' } as const;
/** The admin API's body parser takes JSON only: the image travels base64-encoded. */
const LogoUpload = z
  .strictObject({
    content_type: z.enum(LOGO_TYPES, { error: 'image/png, image/jpeg or image/webp; SVG is refused because it can carry script' }),
    data: z.string().max(Math.ceil(LOGO_MAX_BYTES / 3) * 4 + 4, `at most ${LOGO_MAX_BYTES} bytes once decoded`).regex(BASE64, 'base64 (RFC 4648, with padding)'),
  })
  .superRefine((logo, ctx) => {
    const bytes = Buffer.from(logo.data, 'base64');
    if (bytes.length > LOGO_MAX_BYTES) ctx.addIssue({ code: 'custom', path: ['data'], message: `at most ${LOGO_MAX_BYTES} bytes once decoded, not ${bytes.length}` });
    // The bytes decide, not the declared type: a browser sniffing a mislabelled file could run what it finds.
    const actual = detectImageType(bytes);
    if (actual !== logo.content_type) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: `not a ${LABEL[logo.content_type]} image${actual ? `: the bytes are ${LABEL[actual]}` : ''}` });
    }
  });

const ACCESS = { scope: 'tenant', roles: ['tenant_admin'], operator: true } as const;

/**
 * A tenant's settings, one resource for the console: names, languages, branding, security policy, token
 * lifetimes and retention. Like the tenant itself, not personal data, so not in the change log.
 */
export function tenantSettingsRoutes(services: Services, publicUrl: string): RouteSpec[] {
  const view = (t: Parameters<typeof settingsView>[0] & { name: string }) => ({ display_name: t.name, ...settingsView(t, publicUrl) });
  return [
    defineRoute<z.infer<typeof TenantParams>>({
      method: 'get',
      path: '/tenants/{tenant}/settings',
      operationId: 'getTenantSettings',
      summary: "Read the tenant's settings",
      tag: 'tenants',
      access: ACCESS,
      params: TenantParams,
      responses: { 200: { description: 'The settings', schema: TenantSettingsView } },
      handler: ({ tenant }) => ({ body: view(tenant) }),
    }),
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof SettingsUpdate>>({
      method: 'patch',
      path: '/tenants/{tenant}/settings',
      operationId: 'updateTenantSettings',
      summary: 'Change settings; every process applies them within TENANT_REFRESH_MS. Warns of GDPR consequences',
      tag: 'tenants',
      access: ACCESS,
      params: TenantParams,
      body: SettingsUpdate,
      responses: { 200: { description: 'The settings; `warnings` when a change affects how long personal data is kept', schema: TenantSettingsView, warns: true } },
      handler: async ({ tenant, body }) => {
        const { display_name, ...settings } = body;
        checkSettings(tenant.settings, settings, 'body');
        const updated = await services.tenants.update(tenant._id, { name: display_name, settings: settingsPatch(settings) });
        return { body: view(updated), warnings: settingsWarnings(settings, tenant.settings) };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof LogoUpload>>({
      method: 'put',
      path: '/tenants/{tenant}/settings/logo',
      operationId: 'putTenantLogo',
      summary: `Upload the logo of the sign-in pages: PNG, JPEG or WebP, at most ${LOGO_MAX_BYTES / 1024} KiB, base64 in JSON`,
      tag: 'tenants',
      access: ACCESS,
      params: TenantParams,
      body: LogoUpload,
      responses: { 200: { description: 'The settings, with the logo', schema: TenantSettingsView } },
      handler: async ({ tenant, body }) => ({ body: view(await services.tenantLogos.put(tenant._id, body.content_type, Buffer.from(body.data, 'base64'))) }),
    }),
    defineRoute<z.infer<typeof TenantParams>>({
      method: 'delete',
      path: '/tenants/{tenant}/settings/logo',
      operationId: 'deleteTenantLogo',
      summary: "Remove the logo: the pages show the tenant's initial again",
      tag: 'tenants',
      access: ACCESS,
      params: TenantParams,
      responses: { 204: { description: 'Removed' } },
      handler: async ({ tenant }) => {
        await services.tenantLogos.delete(tenant._id);
        return {};
      },
    }),
  ];
}
