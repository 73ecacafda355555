import { useState, type FormEvent } from 'react';
import { SelectField } from '../../components/select-field';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { ADMIN_ROLES, useRoleNames } from '../people/role-picker';
import { statusKey, USER_STATUSES, type UserStatus } from './user-status';

/** What the list of users is narrowed to: the API's exact email search and status filter. */
export interface UserQuery {
  email?: string;
  status?: UserStatus;
  role?: string;
}

export function UserFilter({ query, onChange }: { query: UserQuery; onChange(query: UserQuery): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState(query.email ?? '');
  const [status, setStatus] = useState<string>(query.status ?? '');
  const [role, setRole] = useState(query.role ?? '');
  const roleNames = useRoleNames().names;
  const roles = [{ value: '', label: t('users.anyRole') }, ...[...ADMIN_ROLES, ...roleNames].map((r) => ({ value: r, label: r }))];
  const options = [{ value: '', label: t('users.anyStatus') }, ...USER_STATUSES.map((s) => ({ value: s, label: t(statusKey(s)) }))];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...(email.trim() ? { email: email.trim() } : {}), ...(status ? { status: status as UserStatus } : {}), ...(role ? { role } : {}) });
  };
  return (
    <form className="inline-form filter" onSubmit={submit} role="search" aria-label={t('users.search')}>
      <TextField label={t('users.searchEmail')} value={email} onChange={setEmail} maxLength={320} />
      <SelectField label={t('users.status')} value={status} onChange={setStatus} options={options} />
      <SelectField label={t('users.role')} value={role} onChange={setRole} options={roles} />
      <button type="submit" className="btn btn-secondary">
        {t('users.search')}
      </button>
    </form>
  );
}
