import { useState, type FormEvent } from 'react';
import { allPages } from '../../api/all-pages';
import { unwrap } from '../../api/api-result';
import { useApiAction, useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { fieldMessage } from '../../components/field-message';
import { DateTimeField } from '../../components/date-time-field';
import { fromLocalInput } from '../../components/moment';
import { ProblemView } from '../../components/problem-view';
import { SelectField } from '../../components/select-field';
import { WarningList } from '../../components/warning-list';
import { useI18n } from '../../i18n/i18n';
import type { Person } from './people';
import { PersonSearch } from './person-search';

/** Grants a door to a person (found by email) or to a role, optionally only inside a validity window. */
export function GrantForm({ doorKey, onGranted }: { doorKey: string; onGranted(message: string): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const roles = useApiQuery(() => allPages((cursor) => unwrap(api.GET('/tenants/{tenant}/roles', { params: { path: { tenant }, query: { cursor, limit: 200 } } }))), [tenant]);
  const action = useApiAction();
  const [kind, setKind] = useState<'user' | 'role'>('user');
  const [person, setPerson] = useState<Person>();
  const [role, setRole] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const fieldError = (field: string) => fieldMessage(action.problem, field);
  const holderId = kind === 'user' ? person?.id : role || undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!holderId) return;
    const validity = { valid_from: fromLocalInput(from), valid_until: fromLocalInput(until) };
    const body = { door: doorKey, holder: { type: kind, id: holderId }, ...validity };
    if (!(await action.run(() => unwrap(api.POST('/tenants/{tenant}/door-permissions', { params: { path: { tenant } }, body }))))) return;
    const holder = kind === 'user' ? (person?.name ?? person?.email ?? holderId) : t('access.roleHolder', { role: holderId });
    setFrom('');
    setUntil('');
    onGranted(t('access.granted', { holder }));
  };

  return (
    <section className="panel" aria-labelledby="grant-title">
      <h3 id="grant-title">{t('access.grantTitle')}</h3>
      <WarningList warnings={action.warnings} />
      <fieldset className="choice">
        <legend>{t('access.grantTo')}</legend>
        {(['user', 'role'] as const).map((k) => (
          <label key={k} className="choice-option">
            <input type="radio" name="grant-holder" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {k === 'user' ? t('access.grantToPerson') : t('access.grantToRole')}
          </label>
        ))}
      </fieldset>
      {kind === 'user' ? (
        <PersonSearch label={t('access.personEmail')} chosen={person} onChosen={setPerson} />
      ) : (
        <SelectField label={t('access.role')} value={role} onChange={setRole} placeholder={t('access.chooseRole')} options={(roles.data?.items ?? []).map((r) => ({ value: r.name, label: r.name }))} required />
      )}
      <form onSubmit={(e) => void submit(e)}>
        <ProblemView problem={action.problem} />
        <DateTimeField label={`${t('access.validFromLabel')} ${t('common.optional')}`} hint={t('access.validFromHint')} value={from} onChange={setFrom} error={fieldError('valid_from')} />
        <DateTimeField label={`${t('access.validUntilLabel')} ${t('common.optional')}`} hint={t('access.validUntilHint')} value={until} onChange={setUntil} error={fieldError('valid_until')} />
        <button type="submit" className="btn btn-primary" disabled={action.busy || !holderId}>
          {t('access.grant')}
        </button>
      </form>
    </section>
  );
}
