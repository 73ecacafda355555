import { useState, type FormEvent } from 'react';
import { DateTimeField } from '../../components/date-time-field';
import { fromLocalInput } from '../../components/moment';
import { SelectField } from '../../components/select-field';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { ACCESS_RESULTS, type AccessEventFilter, type AccessResult } from './access-event-types';
import { DoorField } from './door-field';

/** Narrows the access events by door, person (user id), lock, result and time; an empty field does not narrow. */
export function AccessEventFilters({ initial = {}, onApply, error }: { initial?: AccessEventFilter; onApply(filter: AccessEventFilter): void; error(field: string): string | undefined }) {
  const { t } = useI18n();
  const [door, setDoor] = useState(initial.door ?? '');
  const [user, setUser] = useState(initial.user ?? '');
  const [lock, setLock] = useState('');
  const [result, setResult] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const filter = { door, user: user.trim(), lock: lock.trim(), result: result as AccessResult | '', from: fromLocalInput(from), to: fromLocalInput(to) };
    onApply(Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as AccessEventFilter);
  };
  const reset = () => {
    [setDoor, setUser, setLock, setResult, setFrom, setTo].forEach((set) => set(''));
    onApply({});
  };

  return (
    <form className="panel filters" onSubmit={apply} aria-labelledby="access-event-filter-title">
      <h2 id="access-event-filter-title">{t('accessEvents.filters')}</h2>
      <DoorField value={door} onChange={setDoor} />
      <TextField label={t('accessEvents.person')} hint={t('accessEvents.personHint')} value={user} onChange={setUser} maxLength={128} error={error('user')} />
      <TextField label={t('accessEvents.lock')} hint={t('accessEvents.lockHint')} value={lock} onChange={setLock} maxLength={128} error={error('lock')} />
      <SelectField
        label={t('accessEvents.result')}
        value={result}
        onChange={setResult}
        options={ACCESS_RESULTS.map((r) => ({ value: r, label: t(`accessEvents.result.${r}`) }))}
        placeholder={t('accessEvents.anyResult')}
      />
      <DateTimeField label={t('accessEvents.from')} value={from} onChange={setFrom} error={error('from')} />
      <DateTimeField label={t('accessEvents.to')} value={to} onChange={setTo} error={error('to')} />
      <div className="row-actions">
        <button type="submit" className="btn btn-primary">
          {t('accessEvents.apply')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={reset}>
          {t('accessEvents.reset')}
        </button>
      </div>
    </form>
  );
}
