import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { fieldMessage } from '../../components/field-message';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { DoorPicker } from '../invitations/door-picker';
import type { Lock } from './lock-types';

/** Renames a lock or changes the doors it serves. Done with the lock the API answered and its warnings, or undefined when cancelled. */
export function LockEditForm({ lock, onDone }: { lock: Lock; onDone(saved: { lock: Lock; warnings: readonly string[] } | undefined): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [name, setName] = useState(lock.name);
  const [doors, setDoors] = useState<string[]>(lock.doors);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const path = { tenant: where.slug, lockId: lock.id };
    const done = await action.run(() => unwrap(api.PATCH('/tenants/{tenant}/locks/{lockId}', { params: { path }, body: { name, doors } })));
    if (done) onDone({ lock: done.data, warnings: done.warnings });
  };
  return (
    <form className="panel panel-wide" onSubmit={(e) => void save(e)} aria-labelledby="lock-edit-title">
      <h2 id="lock-edit-title">{t('locks.editTitle', { name: lock.name })}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('locks.name')} value={name} onChange={setName} required maxLength={200} error={fieldMessage(action.problem, 'name')} />
      <DoorPicker value={doors} onChange={setDoors} legend={t('locks.doors')} hint={t('locks.doorsHint')} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {t('common.save')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => onDone(undefined)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
