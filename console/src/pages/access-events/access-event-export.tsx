import { unwrap } from '../../api/api-result';
import { useConsole } from '../../app/console-context';
import { FileExport } from '../../components/file-export';
import { useI18n } from '../../i18n/i18n';
import type { AccessEventFilter } from './access-event-types';

/** Downloads the access events that match the filter, oldest first, after saying the file holds personal data. */
export function AccessEventExport({ filter }: { filter: AccessEventFilter }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  return (
    <FileExport
      intro={t('accessEvents.exportIntro')}
      confirmTitle={(format) => t('accessEvents.exportConfirmTitle', { format })}
      consequence={t('accessEvents.exportConsequence')}
      fileName={(format) => `access-events-${tenant}.${format}`}
      fetch={(format) => unwrap(api.GET('/tenants/{tenant}/access-events/export', { params: { path: { tenant }, query: { ...filter, format } }, parseAs: 'blob' }))}
    />
  );
}
