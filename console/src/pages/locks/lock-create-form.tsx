import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { FieldFrame } from '../../components/field-frame';
import { fieldMessage } from '../../components/field-message';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { DoorPicker } from '../invitations/door-picker';

/** The pasted key as the JSON object the API takes, or undefined when it is not one. */
function parseJwk(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Registers a lock: it becomes an OAuth client signing in with the public key pasted here. The API checks the
 * key and refuses a private one; its message is shown at the field.
 */
export function LockCreateForm({ tenant, onCreated }: { tenant: string; onCreated(name: string, warnings: readonly string[]): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const action = useApiAction();
  const [name, setName] = useState('');
  const [doors, setDoors] = useState<string[]>([]);
  const [model, setModel] = useState('');
  const [firmware, setFirmware] = useState('');
  const [jwkText, setJwkText] = useState('');
  const [notJson, setNotJson] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const jwk = parseJwk(jwkText);
    setNotJson(!jwk);
    if (!jwk) return;
    const body = { name, doors, jwk, model: model.trim() || null, firmware_version: firmware.trim() || null };
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/locks', { params: { path: { tenant } }, body })));
    if (!done) return;
    setName('');
    setDoors([]);
    setModel('');
    setFirmware('');
    setJwkText('');
    onCreated(done.data.name, done.warnings);
  };

  return (
    <form className="panel panel-wide" onSubmit={(e) => void submit(e)} aria-labelledby="lock-create-title">
      <h2 id="lock-create-title">{t('locks.create')}</h2>
      <ProblemView problem={action.problem} />
      <TextField label={t('locks.name')} value={name} onChange={setName} required maxLength={200} error={fieldMessage(action.problem, 'name')} />
      <DoorPicker value={doors} onChange={setDoors} legend={t('locks.doors')} hint={t('locks.doorsHint')} />
      <TextField label={t('locks.model')} value={model} onChange={setModel} maxLength={100} />
      <TextField label={t('locks.firmware')} value={firmware} onChange={setFirmware} maxLength={100} />
      <FieldFrame label={t('locks.jwk')} hint={t('locks.jwkHint')} error={notJson ? t('locks.jwkNotJson') : fieldMessage(action.problem, 'jwk')}>
        {(control) => <textarea {...control} rows={6} value={jwkText} onChange={(e) => setJwkText(e.target.value)} spellCheck={false} required />}
      </FieldFrame>
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('locks.create')}
      </button>
    </form>
  );
}
