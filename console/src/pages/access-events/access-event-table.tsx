import { formatMoment } from '../../components/moment';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import type { AccessEvent } from './access-event-types';
import { Subject } from './subject';
import { useDeviceOwners } from './use-device-owners';
import { usePeople } from './use-people';

/**
 * Access events, newest first: when, where, who (the person, or their id, a person's device, or a device), how,
 * and what came of it. An event naming only a device is shown as that person's, for a viewer who may read users.
 */
export function AccessEventTable({ events, onPerson }: { events: readonly AccessEvent[]; onPerson?(userId: string): void }) {
  const { t, locale } = useI18n();
  const owners = useDeviceOwners(events.flatMap((e) => (!e.user_id && e.device_id ? [e.device_id] : [])));
  const { people, mayRead } = usePeople([...events.flatMap((e) => (e.user_id ? [e.user_id] : [])), ...owners.values()]);
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
                <Subject userId={e.user_id} deviceId={e.device_id} owner={e.device_id ? owners.get(e.device_id) : undefined} people={people} mayRead={mayRead} onPerson={onPerson} />
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
