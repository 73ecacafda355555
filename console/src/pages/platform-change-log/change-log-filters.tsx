import { useState, type FormEvent } from 'react';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';

export interface ChangeLogFilter {
  action?: string;
  actor?: string;
  subject?: string;
}

/** Narrows the list by action, actor and subject, as the API filters them; empty fields filter nothing. */
export function ChangeLogFilters({ onApply }: { onApply(filter: ChangeLogFilter): void }) {
  const { t } = useI18n();
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [subject, setSubject] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const given = Object.entries({ action, actor, subject }).filter(([, v]) => v.trim() !== '');
    onApply(Object.fromEntries(given.map(([k, v]) => [k, v.trim()])) as ChangeLogFilter);
  };
  return (
    <form className="panel filters" onSubmit={submit} aria-label={t('platformLog.filter')}>
      <TextField label={t('platformLog.action')} hint={t('platformLog.actionHint')} value={action} onChange={setAction} maxLength={96} />
      <TextField label={t('platformLog.actor')} value={actor} onChange={setActor} maxLength={200} />
      <TextField label={t('platformLog.subject')} value={subject} onChange={setSubject} maxLength={128} />
      <p className="actions">
        <button type="submit" className="btn btn-primary">
          {t('platformLog.filter')}
        </button>
      </p>
    </form>
  );
}
