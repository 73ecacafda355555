import { useState, type FormEvent } from 'react';
import { FieldFrame } from '../../components/field-frame';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';

/** The filter as the API's query takes it (src/admin-api/routes/change-log.routes.ts): times as ISO 8601. */
export interface ChangeLogFilter {
  actor?: string;
  subject?: string;
  action?: string;
  from?: string;
  to?: string;
}

/** `datetime-local` gives the person's local time without a zone; the API wants an instant. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function ChangeLogFilters({ onApply, problemFields }: { onApply(filter: ChangeLogFilter): void; problemFields: { field?: string; message?: string }[] }) {
  const { t } = useI18n();
  const [actor, setActor] = useState('');
  const [subject, setSubject] = useState('');
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const fieldError = (field: string) => problemFields.find((f) => f.field?.endsWith(field))?.message;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const filter: ChangeLogFilter = { actor: actor.trim(), subject: subject.trim(), action: action.trim(), from: instant(from), to: instant(to) };
    onApply(Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as ChangeLogFilter);
  };
  const reset = () => {
    [setActor, setSubject, setAction, setFrom, setTo].forEach((set) => set(''));
    onApply({});
  };

  return (
    <form className="panel filters" onSubmit={apply} aria-labelledby="change-log-filter-title">
      <h2 id="change-log-filter-title">
        {t('changeLog.filters')}
      </h2>
      <TextField label={t('changeLog.actor')} hint={t('changeLog.actorHint')} value={actor} onChange={setActor} maxLength={200} error={fieldError('actor')} />
      <TextField label={t('changeLog.subject')} hint={t('changeLog.subjectHint')} value={subject} onChange={setSubject} maxLength={128} error={fieldError('subject')} />
      <TextField label={t('changeLog.action')} hint={t('changeLog.actionHint')} value={action} onChange={setAction} maxLength={96} error={fieldError('action')} />
      <TimeField label={t('changeLog.from')} value={from} onChange={setFrom} error={fieldError('from')} />
      <TimeField label={t('changeLog.to')} value={to} onChange={setTo} error={fieldError('to')} />
      <div className="row-actions">
        <button type="submit" className="btn btn-primary">
          {t('changeLog.apply')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={reset}>
          {t('changeLog.reset')}
        </button>
      </div>
    </form>
  );
}

function TimeField({ label, value, onChange, error }: { label: string; value: string; onChange(v: string): void; error?: string }) {
  return (
    <FieldFrame label={label} error={error}>
      {(control) => <input {...control} type="datetime-local" value={value} onChange={(e) => onChange(e.target.value)} />}
    </FieldFrame>
  );
}
