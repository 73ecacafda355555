import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { PageLink } from '../../app/router';
import { formatMoment } from '../../components/moment';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import { DoorRangeForm, type DoorRange } from './door-range-form';
import { Subject } from './subject';
import { usePeople } from './use-people';

type Openers = { user_id: string | null; device_id: string | null; openings: number; first: string; last: string }[];

/** Who opened one door between two times, each person or device once with how often, first and last. */
export function WhoOpened() {
  const { t, locale } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [openers, setOpeners] = useState<Openers>();
  const { people, mayRead } = usePeople(openers?.flatMap((o) => (o.user_id ? [o.user_id] : [])) ?? []);
  const [asked, setAsked] = useState<string>();
  const ask = async ({ door = '', from, to }: DoorRange) => {
    setAsked(door);
    const done = await action.run(() => unwrap(api.GET('/tenants/{tenant}/access-events/openers', { params: { path: { tenant: where.slug }, query: { door, from, to } } })));
    setOpeners(done?.data.items);
  };
  const title = t('accessEvents.whoOpened');
  return (
    <DoorRangeForm title={title} submitLabel={t('accessEvents.showOpeners')} doorRequired busy={action.busy} problem={action.problem} onSubmit={(range) => void ask(range)}>
      {openers && asked && <CouldOpenLink door={asked} />}
      {openers && openers.length === 0 && <p>{t('accessEvents.noOpeners')}</p>}
      {openers && openers.length > 0 && (
        <ScrollTable label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('accessEvents.person')}</th>
                <th scope="col">{t('accessEvents.openings')}</th>
                <th scope="col">{t('accessEvents.first')}</th>
                <th scope="col">{t('accessEvents.last')}</th>
              </tr>
            </thead>
            <tbody>
              {openers.map((o) => (
                <tr key={`${o.user_id}-${o.device_id}`}>
                  <th scope="row">
                    <Subject userId={o.user_id} deviceId={o.device_id} people={people} mayRead={mayRead} />
                  </th>
                  <td>{o.openings}</td>
                  <td>{formatMoment(o.first, locale)}</td>
                  <td>{formatMoment(o.last, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </DoorRangeForm>
  );
}

/**
 * "And who could have?": below, for a moment; and on the Door access page with its grants, for whom may read
 * them (src/admin-api/routes/door-permissions.routes.ts).
 */
function CouldOpenLink({ door }: { door: string }) {
  const { t } = useI18n();
  const { where, person } = useConsole();
  if (!['tenant_admin', 'user_manager'].some((role) => person.roles.includes(role))) return null;
  return (
    <p>
      <PageLink basePath={where.basePath} to={`door-access?door=${encodeURIComponent(door)}`}>
        {t('accessEvents.couldOpen', { door })}
      </PageLink>
    </p>
  );
}
