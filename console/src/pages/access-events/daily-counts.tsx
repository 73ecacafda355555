import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import { DoorRangeForm, type DoorRange } from './door-range-form';

type Counts = { door: string; day: string; successful: number; unsuccessful: number }[];

/** Successful and unsuccessful attempts per door and UTC day in a time range; it names no one. */
export function DailyCounts() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [counts, setCounts] = useState<Counts>();
  const ask = async (query: DoorRange) => {
    const done = await action.run(() => unwrap(api.GET('/tenants/{tenant}/access-events/daily-counts', { params: { path: { tenant: where.slug }, query } })));
    setCounts(done?.data.items);
  };
  const title = t('accessEvents.dailyCounts');
  return (
    <DoorRangeForm title={title} submitLabel={t('accessEvents.showCounts')} doorRequired={false} busy={action.busy} problem={action.problem} onSubmit={(range) => void ask(range)}>
      {counts && counts.length === 0 && <p>{t('accessEvents.noCounts')}</p>}
      {counts && counts.length > 0 && (
        <ScrollTable label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('accessEvents.day')}</th>
                <th scope="col">{t('accessEvents.door')}</th>
                <th scope="col">{t('accessEvents.successful')}</th>
                <th scope="col">{t('accessEvents.unsuccessful')}</th>
              </tr>
            </thead>
            <tbody>
              {counts.map((c) => (
                <tr key={`${c.door}-${c.day}`}>
                  <th scope="row">{c.day}</th>
                  <td>
                    <code>{c.door}</code>
                  </td>
                  <td>{c.successful}</td>
                  <td>{c.unsuccessful}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </DoorRangeForm>
  );
}
