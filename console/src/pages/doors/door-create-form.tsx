import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { fieldMessage } from '../../components/field-message';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';

/** Creates a door. Its key is what lock back-ends see (door_id in tokens) and never changes; the API checks it. */
export function DoorCreateForm({ tenant, onCreated }: { tenant: string; onCreated(name: string, warnings: readonly string[]): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const action = useApiAction();
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const fieldError = (field: string) => fieldMessage(action.problem, field);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/doors', { params: { path: { tenant } }, body: { key, name } })));
    if (!done) return;
    setKey('');
    setName('');
    onCreated(done.data.name, done.warnings);
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="door-create-title">
      <h2 id="door-create-title">{t('doors.create')}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('doors.key')} hint={t('doors.keyHint')} value={key} onChange={setKey} required maxLength={64} error={fieldError('key')} />
      <TextField label={t('doors.name')} value={name} onChange={setName} required maxLength={200} error={fieldError('name')} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('doors.create')}
      </button>
    </form>
  );
}
