import type { paths } from '../../api/schema';
import { nonEmptyLines } from '../../components/lines-field';
import { numberOf } from '../../components/number-field';

type Settings = paths['/tenants/{tenant}/settings'];
/** The settings as the API shows them. */
export type SettingsView = Settings['get']['responses'][200]['content']['application/json'];
/** A change as the API takes it: only the fields that changed. */
export type SettingsPatch = NonNullable<Settings['patch']['requestBody']>['content']['application/json'];
export type Locale = NonNullable<SettingsPatch['default_locale']>;
export const LOCALES: readonly Locale[] = ['en', 'da', 'de', 'sv'];

/** The numbers of the form, by their API names; as typed, so the API judges them. */
export const NUMBER_FIELDS = [
  'password_min_length',
  'max_failed_logins',
  'access_token_ttl',
  'id_token_ttl',
  'refresh_token_ttl',
  'refresh_token_reuse_interval',
  'session_ttl',
  'invitation_ttl_hours',
  'door_key_ttl',
  'invitation_retention_days',
  'change_log_retention_days',
  'inactivity_days',
  'access_event_retention_days',
] as const;
export type NumberFieldName = (typeof NUMBER_FIELDS)[number];
/** Lowering these deletes personal data sooner: the person confirms first. */
export const RETENTION_FIELDS = ['change_log_retention_days', 'inactivity_days', 'invitation_retention_days', 'access_event_retention_days'] as const satisfies readonly NumberFieldName[];

export interface SettingsForm {
  display_name: string;
  locales: Locale[];
  default_locale: Locale;
  primary_color: string;
  mfa_roles: string[];
  numbers: Record<NumberFieldName, string>;
}

export function formOf(view: SettingsView): SettingsForm {
  return {
    display_name: view.display_name,
    locales: view.locales as Locale[],
    default_locale: view.default_locale as Locale,
    primary_color: view.branding.primary_color ?? '',
    mfa_roles: view.mfa.required_for_roles,
    numbers: Object.fromEntries(NUMBER_FIELDS.map((n) => [n, String(view[n])])) as Record<NumberFieldName, string>,
  };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The fields the person changed, as the PATCH body. */
export function patchOf(form: SettingsForm, view: SettingsView): SettingsPatch {
  const patch: SettingsPatch = {};
  if (form.display_name !== view.display_name) patch.display_name = form.display_name;
  if (!sameList(form.locales, view.locales)) patch.locales = form.locales;
  if (form.default_locale !== view.default_locale) patch.default_locale = form.default_locale;
  const color = form.primary_color.trim() || null;
  if (color !== view.branding.primary_color) patch.branding = { primary_color: color };
  const roles = nonEmptyLines(form.mfa_roles);
  if (!sameList(roles, view.mfa.required_for_roles)) patch.mfa = { required_for_roles: roles };
  for (const name of NUMBER_FIELDS) if (numberOf(form.numbers[name]) !== view[name]) patch[name] = numberOf(form.numbers[name]);
  return patch;
}

/** The retention periods this change shortens, with their values before and after. */
export function shortenedRetention(patch: SettingsPatch, view: SettingsView): { field: (typeof RETENTION_FIELDS)[number]; before: number; after: number }[] {
  return RETENTION_FIELDS.flatMap((field) => {
    const after = patch[field];
    return after !== undefined && after < view[field] ? [{ field, before: view[field], after }] : [];
  });
}
