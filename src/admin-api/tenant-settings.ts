import { z } from 'zod';
import { ValidationError } from '../errors/http-errors.js';
import { lifetimeOf, REFRESH_TOKEN_REUSE_INTERVAL, refreshTokenReuseIntervalOf, TOKEN_LIFETIMES, type TokenLifetime } from '../oidc/token-lifetimes.js';
import { MAX_FAILED_LOGINS } from '../security/login-lockout.js';
import { DEFAULT_MIN_LENGTH } from '../security/password-policy.js';
import { contrastWithWhite, HEX_COLOR, logoPath, MIN_CONTRAST_WITH_WHITE } from '../tenants/branding.js';
import type { TenantDoc, TenantSettings } from '../tenants/tenant.model.js';
import { Locale } from './schemas.js';
import { ACCESS_EVENT_RETENTION_DAYS } from '../access/access-event-retention.js';
import { DOOR_KEY_TTL, doorKeyTtlOf } from '../access/door-key.service.js';

/** A tenant's settings as the admin API shows and takes them: one schema for the tenant routes and /settings. */
const lifetime = (name: TokenLifetime) => z.number().int().min(TOKEN_LIFETIMES[name].min).max(TOKEN_LIFETIMES[name].max);
const Color = z
  .string()
  .regex(HEX_COLOR, '#rrggbb')
  .superRefine((color, ctx) => {
    const ratio = contrastWithWhite(color);
    if (ratio < MIN_CONTRAST_WITH_WHITE) {
      ctx.addIssue({ code: 'custom', message: `white button text on ${color} has a contrast of ${ratio.toFixed(2)}:1; at least ${MIN_CONTRAST_WITH_WHITE}:1 is needed (choose a darker colour)` });
    }
  });

export const SettingsFields = z.strictObject({
  locales: z.array(Locale).min(1).max(4).refine((v) => new Set(v).size === v.length, 'must not repeat a value').optional(),
  default_locale: Locale.optional(),
  branding: z.strictObject({ primary_color: Color.nullable().optional() }).optional(),
  password_min_length: z.number().int().min(8).max(128).optional(),
  max_failed_logins: z.number().int().min(3).max(MAX_FAILED_LOGINS).optional(),
  mfa: z.strictObject({ required_for_roles: z.array(z.string().regex(/^[a-z][a-z0-9_:-]{0,63}$/, 'lower-case role name')).max(50) }).optional(),
  access_token_ttl: lifetime('accessTokenTtl').optional(),
  id_token_ttl: lifetime('idTokenTtl').optional(),
  refresh_token_ttl: lifetime('refreshTokenTtl').optional(),
  refresh_token_reuse_interval: z.number().int().min(REFRESH_TOKEN_REUSE_INTERVAL.min).max(REFRESH_TOKEN_REUSE_INTERVAL.max).optional(),
  session_ttl: lifetime('sessionTtl').optional(),
  invitation_ttl_hours: z.number().int().min(1).max(24 * 30).optional(),
  invitation_retention_days: z.number().int().min(1).max(3650).optional(),
  change_log_retention_days: z.number().int().min(30).max(3650).optional(),
  access_event_retention_days: z.number().int().min(7).max(3650).optional(),
  door_key_ttl: z.number().int().min(DOOR_KEY_TTL.min).max(DOOR_KEY_TTL.max).optional(),
  inactivity_days: z.number().int().min(30).max(3650).optional(),
  scim_deprovisioning: z.enum(['deactivate', 'erase']).optional(),
});
export type SettingsInput = z.infer<typeof SettingsFields>;

export const SettingsView = z.object({
  locales: z.array(z.string()),
  default_locale: z.string(),
  branding: z.object({
    primary_color: z.string().nullable(),
    logo: z.object({ url: z.string(), content_type: z.string(), size: z.number(), updated_at: z.string() }).nullable(),
  }),
  password_min_length: z.number(),
  max_failed_logins: z.number(),
  mfa: z.object({ required_for_roles: z.array(z.string()) }),
  access_token_ttl: z.number().describe('seconds; access tokens without a resource (userinfo)'),
  id_token_ttl: z.number().describe('seconds'),
  refresh_token_ttl: z.number().describe('seconds'),
  refresh_token_reuse_interval: z
    .number()
    .describe('seconds after a rotation in which the rotated refresh token still works, for a client retrying a lost response; 0 (the default): reuse at once revokes the grant'),
  session_ttl: z.number().describe('seconds'),
  invitation_ttl_hours: z.number(),
  invitation_retention_days: z.number(),
  change_log_retention_days: z.number(),
  access_event_retention_days: z.number().describe('days access events (and lock status reports) are kept; default 365'),
  door_key_ttl: z.number().describe(`seconds a phone's door key opens doors (${DOOR_KEY_TTL.min}–${DOOR_KEY_TTL.max}); default ${DOOR_KEY_TTL.default}`),
  inactivity_days: z.number(),
  scim_deprovisioning: z.enum(['deactivate', 'erase']).describe('what a SCIM DELETE of a user does: lock them (deactivate, the default) or erase them'),
});

/** The language pages fall back to: the chosen one, else English if enabled, else the first enabled. */
function defaultLocaleOf(s: TenantSettings): string {
  return s.defaultLocale ?? (s.locales.includes('en') ? 'en' : s.locales[0]!);
}

export function settingsView(tenant: Pick<TenantDoc, 'slug' | 'settings'>, publicUrl: string): z.infer<typeof SettingsView> {
  const s = tenant.settings;
  return {
    locales: s.locales,
    default_locale: defaultLocaleOf(s),
    branding: {
      primary_color: s.primaryColor ?? null,
      logo: s.logo ? { url: `${publicUrl}${logoPath(tenant.slug)}?v=${s.logo.sha256}`, content_type: s.logo.contentType, size: s.logo.size, updated_at: new Date(s.logo.updatedAt).toISOString() } : null,
    },
    password_min_length: s.passwordMinLength ?? DEFAULT_MIN_LENGTH,
    max_failed_logins: s.maxFailedLogins,
    mfa: { required_for_roles: s.mfa.requiredForRoles },
    access_token_ttl: lifetimeOf(s, 'accessTokenTtl'),
    id_token_ttl: lifetimeOf(s, 'idTokenTtl'),
    refresh_token_ttl: lifetimeOf(s, 'refreshTokenTtl'),
    refresh_token_reuse_interval: refreshTokenReuseIntervalOf(s),
    session_ttl: lifetimeOf(s, 'sessionTtl'),
    invitation_ttl_hours: s.invitationTtlHours,
    invitation_retention_days: s.invitationRetentionDays,
    change_log_retention_days: s.changeLogRetentionDays,
    access_event_retention_days: s.accessEventRetentionDays ?? ACCESS_EVENT_RETENTION_DAYS,
    door_key_ttl: doorKeyTtlOf(s),
    inactivity_days: s.inactivityDays,
    scim_deprovisioning: s.scimDeprovisioning ?? 'deactivate',
  };
}

/** The stored form of a settings change: only what the request named. */
export function settingsPatch(s: SettingsInput | undefined): Partial<Omit<TenantSettings, 'resources'>> | undefined {
  if (!s) return undefined;
  const patch: Partial<Omit<TenantSettings, 'resources'>> = {
    locales: s.locales,
    defaultLocale: s.default_locale,
    primaryColor: s.branding?.primary_color === undefined ? undefined : (s.branding.primary_color?.toLowerCase() ?? null),
    passwordMinLength: s.password_min_length,
    maxFailedLogins: s.max_failed_logins,
    mfa: s.mfa && { requiredForRoles: s.mfa.required_for_roles },
    accessTokenTtl: s.access_token_ttl,
    idTokenTtl: s.id_token_ttl,
    refreshTokenTtl: s.refresh_token_ttl,
    refreshTokenReuseInterval: s.refresh_token_reuse_interval,
    sessionTtl: s.session_ttl,
    invitationTtlHours: s.invitation_ttl_hours,
    invitationRetentionDays: s.invitation_retention_days,
    changeLogRetentionDays: s.change_log_retention_days,
    accessEventRetentionDays: s.access_event_retention_days,
    doorKeyTtl: s.door_key_ttl,
    inactivityDays: s.inactivity_days,
    scimDeprovisioning: s.scim_deprovisioning,
  };
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}

/** Rules across fields, checked against the settings the change lands on; `at` prefixes the field names. */
export function checkSettings(current: Pick<TenantSettings, 'locales' | 'defaultLocale'>, s: SettingsInput | undefined, at: string): void {
  const locales = s?.locales ?? current.locales;
  const chosen = s?.default_locale ?? current.defaultLocale;
  if (!chosen || locales.includes(chosen)) return;
  throw new ValidationError([
    s?.default_locale
      ? { field: `${at}.default_locale`, message: `must be one of the enabled locales: ${locales.join(', ')}` }
      : { field: `${at}.locales`, message: `must include the default locale ${chosen}, or change default_locale with it` },
  ]);
}

/** The retention beyond which the answer warns: longer than the 24 months customers were promised by default. */
const LONG_RETENTION_DAYS = 730;

/**
 * GDPR consequences to tell the admin: keeping personal data longer than promised, and, against `current`,
 * deleting it sooner than before (the next retention run removes what the old period still kept).
 */
export function settingsWarnings(s: SettingsInput | undefined, current?: TenantSettings): string[] {
  const warnings: string[] = [];
  if (s?.change_log_retention_days && s.change_log_retention_days > LONG_RETENTION_DAYS) {
    warnings.push(`A change-log retention of ${s.change_log_retention_days} days keeps records of personal-data changes longer than the default 24 months; make sure your records of processing justify it.`);
  }
  if (s?.access_event_retention_days && s.access_event_retention_days > ACCESS_EVENT_RETENTION_DAYS) {
    warnings.push(`An access-event retention of ${s.access_event_retention_days} days keeps who came through which door longer than the default 12 months; make sure your records of processing justify it.`);
  }
  if (s?.inactivity_days && s.inactivity_days > LONG_RETENTION_DAYS) {
    warnings.push(`Inactive users will be anonymized only after ${s.inactivity_days} days, later than the 2 years promised by default; personal data of people who left is kept longer.`);
  }
  if (s?.scim_deprovisioning === 'erase' && current?.scimDeprovisioning !== 'erase') {
    warnings.push('A SCIM DELETE will now erase the user at once (record, sessions, grants, second factors), irreversibly, instead of locking them: the directory, not an admin, decides each erasure.');
  }
  if (!current || !s) return warnings;
  const sooner = (next: number | undefined, before: number) => next !== undefined && next < before;
  if (sooner(s.change_log_retention_days, current.changeLogRetentionDays)) {
    warnings.push(`Change-log entries older than ${s.change_log_retention_days} days will be deleted at the next retention run, earlier than the ${current.changeLogRetentionDays} days kept until now: the record of personal-data changes between those ages is lost.`);
  }
  const eventsBefore = current.accessEventRetentionDays ?? ACCESS_EVENT_RETENTION_DAYS;
  if (sooner(s.access_event_retention_days, eventsBefore)) {
    warnings.push(`Access events older than ${s.access_event_retention_days} days will be deleted at the next run, earlier than the ${eventsBefore} days kept until now: who came through which door between those ages is lost.`);
  }
  if (sooner(s.inactivity_days, current.inactivityDays)) {
    warnings.push(`Users inactive for ${s.inactivity_days} days will be anonymized at the next run, earlier than after the ${current.inactivityDays} days until now: people inactive between those periods lose their accounts and personal data.`);
  }
  const invitationsBefore = current.invitationRetentionDays;
  if (sooner(s.invitation_retention_days, invitationsBefore)) {
    warnings.push(`Expired, revoked and undeliverable invitations (with the invitee's email address) will be purged after ${s.invitation_retention_days} days, earlier than the ${invitationsBefore} days until now; older ones go at the next run.`);
  }
  return warnings;
}
