import '../styles/config-pages.css';
import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useConsole } from '../app/console-context';
import { fieldMessage } from '../components/field-message';
import { ProblemView } from '../components/problem-view';
import { useI18n } from '../i18n/i18n';
import { AccessEventExport } from './access-events/access-event-export';
import { DailyCounts } from './access-events/daily-counts';
import { AccessEventFilters } from './access-events/access-event-filters';
import { AccessEventTable } from './access-events/access-event-table';
import { CouldOpen } from './access-events/could-open';
import type { AccessEventFilter } from './access-events/access-event-types';
import { WhoOpened } from './access-events/who-opened';
import { usePagedList } from './people/use-paged-list';

/**
 * Who came through which door (src/admin-api/routes/access-events.routes.ts), for tenant admins and auditors.
 * It places people at doors at times: the API writes a change-log entry for each person a read names, which
 * the page says before anything is shown.
 */
export function AccessEventsPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const [filter, setFilter] = useState<AccessEventFilter>({});
  // A person chosen in the list narrows it to them: the filter form starts again from that filter.
  const [filterForm, setFilterForm] = useState(0);
  const onlyPerson = (user: string) => (setFilter({ user }), setFilterForm((n) => n + 1));
  const events = usePagedList(
    (cursor) => unwrap(api.GET('/tenants/{tenant}/access-events', { params: { path: { tenant }, query: { ...filter, limit: 50, ...(cursor ? { cursor } : {}) } } })),
    [tenant, filter],
  );
  const items = events.items ?? [];
  return (
    <>
      <h1>{t('accessEvents.title')}</h1>
      <p className="intro">{t('accessEvents.intro')}</p>
      <p className="alert alert-warning">{t('accessEvents.recorded')}</p>
      <div className="tools">
        <AccessEventExport filter={filter} />
      </div>
      <AccessEventFilters key={filterForm} initial={filter} onApply={setFilter} error={(field) => fieldMessage(events.problem, field)} />
      <ProblemView problem={events.problem} />
      <h2>{t('accessEvents.listTitle')}</h2>
      {events.loading && !events.items ? <p>{t('app.loading')}</p> : <AccessEventTable events={items} onPerson={onlyPerson} />}
      <div className="more">
        <p className="meta" role="status">
          {items.length > 0 && t('accessEvents.shown', { count: String(items.length) })}
        </p>
        {events.next && (
          <button type="button" className="btn btn-secondary" onClick={() => void events.loadMore()} disabled={events.loading}>
            {t('common.loadMore')}
          </button>
        )}
      </div>
      <WhoOpened />
      <CouldOpen />
      <DailyCounts />
    </>
  );
}
