import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { useI18n, type Translate } from '../../i18n/i18n';
import { CheckboxGroup } from '../../components/checkbox-group';

/** The roles that open the admin API: only a tenant admin gives or takes them away (src/admin-api/admin-roles.ts). */
export const ADMIN_ROLES = ['tenant_admin', 'user_manager', 'auditor'] as const;

export const mayGrantAdminRoles = (roles: readonly string[]) => roles.includes('tenant_admin');

interface RolePickerProps {
  value: readonly string[];
  onChange(roles: string[]): void;
  /** Whether the person may give and take away admin roles; if not, those are shown but kept as they are. */
  mayGrantAdmin: boolean;
}

/** The names of the roles the tenant defines (not the admin roles, which every tenant has), and a problem loading them. */
export function useRoleNames() {
  const { api, where } = useConsole();
  const tenant = where.slug;
  const roles = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/roles', { params: { path: { tenant }, query: { limit: 200 } } })), [tenant]);
  return { names: roles.data?.items.map((r) => r.name) ?? [], problem: roles.problem };
}

/** Checkboxes for the tenant's roles and the admin roles, in a fieldset named "Roles". */
export function RolePicker({ value, onChange, mayGrantAdmin }: RolePickerProps) {
  const { t } = useI18n();
  const defined = useRoleNames();
  const isAdmin = (role: string) => (ADMIN_ROLES as readonly string[]).includes(role);
  const names = [...new Set([...defined.names, ...value.filter((r) => !isAdmin(r))])].sort();
  const choices = [...(mayGrantAdmin ? ADMIN_ROLES : []), ...names];
  const kept = mayGrantAdmin ? [] : value.filter(isAdmin);

  return (
    <CheckboxGroup
      legend={t('people.roles')}
      options={choices.map((role) => ({ value: role, label: <code>{role}</code> }))}
      selected={value}
      onChange={onChange}
      note={kept.length > 0 && <p className="hint">{t('people.adminRolesKept', { roles: kept.join(', ') })}</p>}
    >
      <ProblemView problem={defined.problem} />
    </CheckboxGroup>
  );
}

/**
 * What giving these roles means, said before the person decides: the same consequences the API warns of after
 * (roleWarnings in src/admin-api/admin-roles.ts), for the admin roles in `after` that were not in `before`.
 */
export function roleGrantConsequences(t: Translate, after: readonly string[], before: readonly string[] = []): string[] {
  const added = (role: string) => after.includes(role) && !before.includes(role);
  return [
    ...(added('tenant_admin') ? [t('people.grantTenantAdmin')] : []),
    ...(added('auditor') ? [t('people.grantAuditor')] : []),
  ];
}
