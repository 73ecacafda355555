import { formatMoment } from '../../components/moment';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import type { AccessEvent } from './access-event-types';
import { Subject } from './subject';
import { usePeople } from './use-people';

/** Access events, newest first: when, where, who (the person, or their id, or a device), how, and what came of it. */
export function AccessEventTable({ events, onPerson }: { events: readonly AccessEvent[]; onPerson?(userId: string): void }) {
  const { t, locale } = useI18n();
  const { people, mayRead } = usePeople(events.flatMap((e) => (e.user_id ? [e.user_id] : [])));
  if (events.length === 0) return <p>{t('accessEvents.empty')}</p>;
  return (
    <ScrollTable label={t('accessEvents.listTitle')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('accessEvents.time')}</th>
            <th scope="col">{t('accessEvents.door')}</th>
            <th scope="col">{t('accessEvents.person')}</th>
            <th scope="col">{t('accessEvents.result')}</th>
            <th scope="col">{t('accessEvents.method')}</th>
            <th scope="col">{t('accessEvents.lock')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <th scope="row">{formatMoment(e.time, locale)}</th>
              <td>
                <code>{e.door}</code>
              </td>
              <td>
                <Subject userId={e.user_id} deviceId={e.device_id} people={people} mayRead={mayRead} onPerson={onPerson} />
              </td>
              <td>{[t(`accessEvents.result.${e.result}`), e.reason].filter(Boolean).join(': ')}</td>
              <td>{e.method}</td>
              <td>
                <code>{e.lock_id}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
