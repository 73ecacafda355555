import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { fieldMessage } from '../../components/field-message';
import { useFocusOnMount } from '../../components/focus-on-mount';
import { useGrantConfirmation } from '../people/grant-confirmation';
import { ADMIN_ROLES, mayGrantAdminRoles, RolePicker } from '../people/role-picker';
import type { User } from './user-status';

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((r) => b.includes(r));

interface UserEditFormProps {
  user: User;
  onSaved(user: User, warnings: string[]): void;
  onCancel(): void;
}

/**
 * Changes a user's email, name and roles; only what changed is sent. What the API would refuse is not offered:
 * an admin's email to someone who is not a tenant admin, roles while processing is restricted.
 */
export function UserEditForm({ user, onSaved, onCancel }: UserEditFormProps) {
  const { t } = useI18n();
  const { api, where, person } = useConsole();
  const action = useApiAction();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const who = user.email ?? user.id;
  const [email, setEmail] = useState(user.email ?? '');
  const [name, setName] = useState(user.name ?? '');
  const [roles, setRoles] = useState<string[]>(user.roles);
  const mayGrant = mayGrantAdminRoles(person.roles);
  const mayChangeEmail = mayGrant || !user.roles.some((r) => (ADMIN_ROLES as readonly string[]).includes(r));
  const mayChangeRoles = user.status !== 'restricted';

  const save = async () => {
    const body = {
      ...(mayChangeEmail && email !== (user.email ?? '') ? { email } : {}),
      ...(name.trim() && name !== (user.name ?? '') ? { name } : {}),
      ...(mayChangeRoles && !sameRoles(roles, user.roles) ? { roles } : {}),
    };
    const path = { tenant: where.slug, userId: user.id };
    const done = await action.run(() => unwrap(api.PATCH('/tenants/{tenant}/users/{userId}', { params: { path }, body })));
    if (done) onSaved(done.data, done.warnings);
  };

  const { submit, dialog } = useGrantConfirmation(roles, user.roles, save);

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="user-edit-title">
      <h2 id="user-edit-title" ref={heading} tabIndex={-1}>{t('users.editLabel', { name: who })}</h2>
      <ProblemView problem={action.problem} />
      {mayChangeEmail && <TextField label={t('people.email')} value={email} onChange={setEmail} required maxLength={320} error={fieldMessage(action.problem, 'email')} />}
      <TextField label={t('people.name')} value={name} onChange={setName} maxLength={200} error={fieldMessage(action.problem, 'name')} />
      {mayChangeRoles ? <RolePicker value={roles} onChange={setRoles} mayGrantAdmin={mayGrant} /> : <p className="hint">{t('users.restrictedRoles')}</p>}
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {t('common.save')}
        </button>
      </div>
      {dialog(who, t('common.save'), action.busy)}
    </form>
  );
}
