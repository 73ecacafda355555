import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { DateTimeField } from '../../components/date-time-field';
import { fieldMessage } from '../../components/field-message';
import { fromLocalInput } from '../../components/moment';
import { ProblemView } from '../../components/problem-view';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import { DoorField } from './door-field';
import { Subject } from './subject';
import { usePeople } from './use-people';

type Holders = { user_id: string; via_role: string | null }[];

/**
 * Who could open a door at a moment (src/admin-api/routes/door-permissions.routes.ts), beside who did: the
 * auditor's "who opened it last Tuesday, and who could have" is answered on one page.
 */
export function CouldOpen() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [door, setDoor] = useState('');
  const [at, setAt] = useState('');
  const [holders, setHolders] = useState<Holders>();
  const { people, mayRead } = usePeople(holders?.map((h) => h.user_id) ?? []);
  const title = t('accessEvents.couldOpenTitle');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const moment = fromLocalInput(at);
    const path = { tenant: where.slug, doorKey: door };
    const done = await action.run(() => unwrap(api.GET('/tenants/{tenant}/doors/{doorKey}/access', { params: { path, query: moment ? { at: moment } : {} } })));
    setHolders(done?.data.users);
  };

  return (
    <form className="panel panel-wide" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h2>{title}</h2>
      <ProblemView problem={action.problem} />
      <DoorField value={door} onChange={setDoor} required />
      <DateTimeField label={t('accessEvents.at')} hint={t('accessEvents.atHint')} value={at} onChange={setAt} error={fieldMessage(action.problem, 'at')} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('accessEvents.showCouldOpen')}
      </button>
      {holders && holders.length === 0 && <p>{t('accessEvents.nobodyCould')}</p>}
      {holders && holders.length > 0 && (
        <ScrollTable label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('accessEvents.person')}</th>
                <th scope="col">{t('accessEvents.through')}</th>
              </tr>
            </thead>
            <tbody>
              {holders.map((h) => (
                <tr key={`${h.user_id}-${h.via_role}`}>
                  <th scope="row">
                    <Subject userId={h.user_id} deviceId={null} people={people} mayRead={mayRead} />
                  </th>
                  <td>{h.via_role ? t('access.viaRole', { role: h.via_role }) : t('access.ownGrant')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </form>
  );
}
