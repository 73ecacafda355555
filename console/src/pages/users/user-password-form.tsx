import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { fieldMessage } from '../../components/field-message';
import type { User } from './user-status';

/** Sets a temporary password, which the user must replace at their next sign-in; the policy's refusals are shown. */
export function UserPasswordForm({ user, onDone }: { user: User; onDone(notice: string): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [password, setPassword] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const path = { tenant: where.slug, userId: user.id };
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/users/{userId}/temporary-password', { params: { path }, body: { password } })));
    if (!done) return;
    setPassword('');
    onDone(t('userAccess.passwordSet', { name: user.email ?? user.id }));
  };
  return (
    <form className="subsection" onSubmit={(e) => void submit(e)} aria-labelledby="user-password-title">
      <h3 id="user-password-title">{t('userAccess.password')}</h3>
      <ProblemView problem={action.problem} />
      <TextField
        label={t('userAccess.temporaryPassword')}
        hint={t('userAccess.passwordHint')}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        required
        error={fieldMessage(action.problem, 'password')}
      />
      <button type="submit" className="btn btn-secondary" disabled={action.busy}>
        {t('userAccess.setPassword')}
      </button>
    </form>
  );
}
