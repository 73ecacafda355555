import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { mayGrantAdminRoles, RolePicker } from '../people/role-picker';
import { fieldMessage } from '../../components/field-message';
import { useGrantConfirmation } from '../people/grant-confirmation';
import type { User } from './user-status';

/** Creates a user with roles; giving an admin role is confirmed first. */
export function UserCreateForm({ onCreated }: { onCreated(user: User, warnings: string[]): void }) {
  const { t } = useI18n();
  const { api, where, person } = useConsole();
  const action = useApiAction();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>([]);

  const create = async () => {
    const body = { email, roles, ...(name.trim() ? { name } : {}) };
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/users', { params: { path: { tenant: where.slug } }, body })));
    if (!done) return;
    setEmail('');
    setName('');
    setRoles([]);
    onCreated(done.data, done.warnings);
  };

  const { submit, dialog } = useGrantConfirmation(roles, [], create);

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="user-create-title">
      <h2 id="user-create-title">{t('users.create')}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('people.email')} value={email} onChange={setEmail} required maxLength={320} error={fieldMessage(action.problem, 'email')} />
      <TextField label={`${t('people.name')} ${t('common.optional')}`} value={name} onChange={setName} maxLength={200} error={fieldMessage(action.problem, 'name')} />
      <RolePicker value={roles} onChange={setRoles} mayGrantAdmin={mayGrantAdminRoles(person.roles)} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('users.create')}
      </button>
      {dialog(email, t('users.create'), action.busy)}
    </form>
  );
}
