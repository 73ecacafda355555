import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import { formatMoment } from '../../components/moment';
import type { ChangeLogEntry } from './use-change-log';

/** Entries as the API lists them; the chain's own data (hashes) stays in the exports. */
export function ChangeLogTable({ entries }: { entries: readonly ChangeLogEntry[] }) {
  const { t, locale } = useI18n();
  if (entries.length === 0) return <p>{t('changeLog.empty')}</p>;
  return (
    <ScrollTable label={t('changeLog.title')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('changeLog.seq')}</th>
            <th scope="col">{t('changeLog.at')}</th>
            <th scope="col">{t('changeLog.actor')}</th>
            <th scope="col">{t('changeLog.action')}</th>
            <th scope="col">{t('changeLog.subjectColumn')}</th>
            <th scope="col">{t('changeLog.fields')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq}>
              <th scope="row">{e.seq}</th>
              <td className="nowrap">
                <time dateTime={e.at}>{formatMoment(e.at, locale)}</time>
              </td>
              <td>
                <code>{e.actor}</code>
              </td>
              <td className="nowrap">
                <code>{e.action}</code>
              </td>
              <td>
                {e.subject_type} <code>{e.subject_id}</code>
              </td>
              <td>{e.fields.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
