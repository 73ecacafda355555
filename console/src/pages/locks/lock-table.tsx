import { formatMoment } from '../../components/moment';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import { LockStatusText } from './lock-status-text';
import type { Lock } from './lock-types';

interface LockTableProps {
  locks: readonly Lock[];
  mayWrite: boolean;
  onEdit(lock: Lock): void;
  onHistory(lock: Lock): void;
  onRetire(lock: Lock): void;
}

/** The tenant's locks with the doors each serves and its latest status report. */
export function LockTable({ locks, mayWrite, onEdit, onHistory, onRetire }: LockTableProps) {
  const { t, locale } = useI18n();
  if (locks.length === 0) return <p>{t('locks.empty')}</p>;
  return (
    <ScrollTable label={t('locks.title')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('locks.name')}</th>
            <th scope="col">{t('locks.doors')}</th>
            <th scope="col">{t('locks.model')}</th>
            <th scope="col">{t('locks.status')}</th>
            <th scope="col">{t('locks.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {locks.map((lock) => (
            <tr key={lock.id}>
              <th scope="row">{lock.name}</th>
              <td>{lock.doors.map((d) => <code key={d}>{d} </code>)}</td>
              <td>{[lock.model, lock.firmware_version].filter(Boolean).join(' · ')}</td>
              <td>{lock.retired_at ? t('locks.retiredOn', { when: formatMoment(lock.retired_at, locale) }) : <LockStatusText status={lock.status} />}</td>
              <td>
                <div className="row-actions">
                  <button type="button" className="btn btn-secondary" onClick={() => onHistory(lock)} aria-label={t('locks.historyLabel', { name: lock.name })}>
                    {t('locks.history')}
                  </button>
                  {mayWrite && !lock.retired_at && (
                    <>
                      <button type="button" className="btn btn-secondary" onClick={() => onEdit(lock)} aria-label={t('locks.editLabel', { name: lock.name })}>
                        {t('common.edit')}
                      </button>
                      <button type="button" className="btn btn-danger" onClick={() => onRetire(lock)} aria-label={t('locks.retireLabel', { name: lock.name })}>
                        {t('locks.retire')}
                      </button>
                    </>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
