import { unwrap } from '../../api/api-result';
import { useConsole } from '../../app/console-context';
import { FileExport } from '../../components/file-export';
import { useI18n } from '../../i18n/i18n';
import type { ChangeLogFilter } from './change-log-filters';

/** Downloads the change-log entries that match the filter, after saying the file holds personal data. */
export function ChangeLogExport({ filter }: { filter: ChangeLogFilter }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  return (
    <FileExport
      intro={t('changeLog.exportIntro')}
      confirmTitle={(format) => t('changeLog.exportConfirmTitle', { format })}
      consequence={t('changeLog.exportConsequence')}
      fileName={(format) => `change-log-${tenant}.${format}`}
      fetch={(format) => unwrap(api.GET('/tenants/{tenant}/change-log/export', { params: { path: { tenant }, query: { ...filter, format } }, parseAs: 'blob' }))}
    />
  );
}
