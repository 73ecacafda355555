import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { fieldMessage } from '../../components/field-message';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';

/** Defines a role. The name pattern mirrors the API's (ROLE_NAME) only as a hint; the API checks it. */
export function RoleCreateForm({ tenant, onCreated }: { tenant: string; onCreated(name: string): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const action = useApiAction();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const fieldError = (field: string) => fieldMessage(action.problem, field);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { name, ...(description.trim() ? { description } : {}) };
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/roles', { params: { path: { tenant } }, body })));
    if (!done) return;
    setName('');
    setDescription('');
    onCreated(done.data.name);
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="role-create-title">
      <h2 id="role-create-title">{t('roles.create')}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('roles.name')} hint={t('roles.nameHint')} value={name} onChange={setName} required maxLength={64} error={fieldError('name')} />
      <TextField label={`${t('roles.description')} ${t('common.optional')}`} value={description} onChange={setDescription} maxLength={500} error={fieldError('description')} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('roles.create')}
      </button>
    </form>
  );
}
