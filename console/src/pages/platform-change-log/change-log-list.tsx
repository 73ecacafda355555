import type { paths } from '../../api/schema';
import { useI18n } from '../../i18n/i18n';

/** A change-log entry as the API lists it (src/admin-api/routes/change-log.routes.ts). */
export type ChangeLogEntry = paths['/tenants/{tenant}/change-log']['get']['responses'][200]['content']['application/json']['items'][number];

/** Entries, newest first: who did what to which record, and which fields it touched. */
export function ChangeLogList({ entries }: { entries: readonly ChangeLogEntry[] }) {
  const { t, locale } = useI18n();
  if (entries.length === 0) return <p>{t('platformLog.empty')}</p>;
  return (
    <div className="table-wrap">
      <table className="log-table">
        <thead>
          <tr>
            <th scope="col">{t('platformLog.seq')}</th>
            <th scope="col">{t('platformLog.at')}</th>
            <th scope="col">{t('platformLog.action')}</th>
            <th scope="col">{t('platformLog.actor')}</th>
            <th scope="col">{t('platformLog.subject')}</th>
            <th scope="col">{t('platformLog.fields')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq}>
              <th scope="row">{e.seq}</th>
              <td>{new Date(e.at).toLocaleString(locale)}</td>
              <td>
                <code className="nowrap">{e.action}</code>
              </td>
              <td>
                <code>{e.actor}</code>
              </td>
              <td>
                {e.subject_type} <code>{e.subject_id}</code>
              </td>
              <td>{e.fields.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
