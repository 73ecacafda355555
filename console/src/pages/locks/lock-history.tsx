import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { formatMoment } from '../../components/moment';
import { ProblemView } from '../../components/problem-view';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import type { Lock } from './lock-types';

/** The status reports a lock sent, newest first, as many as the API keeps. */
export function LockHistory({ lock, onClose }: { lock: Lock; onClose(): void }) {
  const { t, locale } = useI18n();
  const { api, where } = useConsole();
  const path = { tenant: where.slug, lockId: lock.id };
  const history = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/locks/{lockId}/status-history', { params: { path } })), [where.slug, lock.id]);
  const title = t('locks.historyTitle', { name: lock.name });
  return (
    <section className="panel panel-wide" aria-label={title}>
      <h2>{title}</h2>
      <ProblemView problem={history.problem} />
      {history.data && history.data.items.length === 0 && <p>{t('locks.noStatus')}</p>}
      {history.data && history.data.items.length > 0 && (
        <ScrollTable label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('locks.measuredAt')}</th>
                <th scope="col">{t('locks.batteryColumn')}</th>
                <th scope="col">{t('locks.firmware')}</th>
                <th scope="col">{t('locks.errorCodes')}</th>
                <th scope="col">{t('locks.receivedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {history.data.items.map((s) => (
                <tr key={s.received_at + s.time}>
                  <th scope="row">{formatMoment(s.time, locale)}</th>
                  <td>{s.battery === null ? '' : `${s.battery} %`}</td>
                  <td>{s.firmware_version ?? ''}</td>
                  <td>{s.error_codes.join(', ')}</td>
                  <td>{formatMoment(s.received_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
      <button type="button" className="btn btn-secondary" onClick={onClose}>
        {t('common.close')}
      </button>
    </section>
  );
}
