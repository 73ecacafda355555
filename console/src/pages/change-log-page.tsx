import '../styles/config-pages.css';
import { useState } from 'react';
import { ProblemView } from '../components/problem-view';
import { useI18n } from '../i18n/i18n';
import { ChangeLogExport } from './change-log/change-log-export';
import { ChangeLogFilters, type ChangeLogFilter } from './change-log/change-log-filters';
import { ChangeLogTable } from './change-log/change-log-table';
import { ChangeLogVerify } from './change-log/change-log-verify';
import { useChangeLog } from './change-log/use-change-log';

/**
 * The tenant's personal-data change log (src/admin-api/routes/change-log.routes.ts), for tenant admins and
 * auditors alike: everything here only reads, so both may do all of it.
 */
export function ChangeLogPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<ChangeLogFilter>({});
  const log = useChangeLog(filter);
  return (
    <>
      <h1>{t('changeLog.title')}</h1>
      <p className="intro">{t('changeLog.intro')}</p>
      <div className="tools">
        <ChangeLogVerify />
        <ChangeLogExport filter={filter} />
      </div>
      <ChangeLogFilters onApply={setFilter} problemFields={log.problem?.fields ?? []} />
      <ProblemView problem={log.problem} />
      {log.loading && log.items.length === 0 ? <p>{t('app.loading')}</p> : <ChangeLogTable entries={log.items} />}
      <div className="more">
        <p className="meta" role="status">
          {log.items.length > 0 && t('changeLog.shown', { count: log.items.length })}
        </p>
        {log.next && (
          <button type="button" className="btn btn-secondary" onClick={log.more} disabled={log.loading}>
            {t('common.loadMore')}
          </button>
        )}
      </div>
    </>
  );
}
