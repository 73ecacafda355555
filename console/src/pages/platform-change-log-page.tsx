import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction, useApiQuery } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { Notice } from '../components/warning-list';
import { ProblemView } from '../components/problem-view';
import { useI18n } from '../i18n/i18n';
import '../styles/operators.css';
import { ChangeLogFilters, type ChangeLogFilter } from './platform-change-log/change-log-filters';
import { ChangeLogList } from './platform-change-log/change-log-list';

interface Verification {
  ok: boolean;
  checked: number;
  first_broken: number | null;
}

/**
 * The platform tenant's own change log (src/admin-api/routes/change-log.routes.ts): what operators did, such
 * as tenant.admin_invited. Its readers are the platform's tenant_admins and auditors, as in every tenant.
 */
export function PlatformChangeLogPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const [filter, setFilter] = useState<ChangeLogFilter>({});
  const path = { tenant: where.slug };
  const entries = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/change-log', { params: { path, query: { limit: 100, ...filter } } })), [where.slug, filter]);
  const verification = useApiAction();
  const [verified, setVerified] = useState<Verification>();

  const verify = async () => {
    const done = await verification.run(() => unwrap(api.GET('/tenants/{tenant}/change-log/verify', { params: { path } })));
    setVerified(done?.data as Verification | undefined);
  };

  return (
    <>
      <h1>{t('platformLog.title')}</h1>
      <p className="intro">{t('platformLog.intro')}</p>
      <ChangeLogFilters onApply={setFilter} />
      <p className="row-actions">
        <button type="button" className="btn btn-secondary" onClick={() => void verify()} disabled={verification.busy}>
          {t('platformLog.verify')}
        </button>
      </p>
      <Notice text={verified?.ok ? t('platformLog.verifiedOk', { count: verified.checked }) : undefined} />
      {verified && !verified.ok && (
        <p className="alert alert-error" role="alert">
          {t('platformLog.verifiedBroken', { seq: verified.first_broken ?? '?' })}
        </p>
      )}
      <ProblemView problem={verification.problem ?? entries.problem} />
      {entries.loading && !entries.data && <p>{t('app.loading')}</p>}
      {entries.data && <ChangeLogList entries={entries.data.items} />}
      {entries.data?.next_cursor && <p className="meta">{t('platformLog.newestOnly', { count: entries.data.items.length })}</p>}
    </>
  );
}
