import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Notice, WarningList } from '../../components/warning-list';
import { useI18n } from '../../i18n/i18n';
import type { ChangeLogFilter } from './change-log-filters';

type Format = 'csv' | 'ndjson';

/**
 * Downloads the filtered entries. The export needs the Bearer token, which a plain link cannot carry, so it is
 * fetched and handed to the browser as a blob: URL on an <a download>. The personal-data warning is said
 * before (the dialog) and the API's own `Doorway-Warning` after.
 */
export function ChangeLogExport({ filter }: { filter: ChangeLogFilter }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [format, setFormat] = useState<Format>();
  const [notice, setNotice] = useState<string>();
  const tenant = where.slug;

  const download = async (chosen: Format) => {
    setNotice(undefined);
    const query = { ...filter, format: chosen };
    const done = await action.run(() => unwrap(api.GET('/tenants/{tenant}/change-log/export', { params: { path: { tenant }, query }, parseAs: 'blob' })));
    if (!done) return;
    const file = `change-log-${tenant}.${chosen}`;
    const url = URL.createObjectURL(done.data as Blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = file;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setFormat(undefined);
    setNotice(t('changeLog.downloaded', { file }));
  };

  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">{t('changeLog.exportTitle')}</h2>
      <p className="hint">{t('changeLog.exportIntro')}</p>
      <div className="row-actions">
        <button type="button" className="btn btn-secondary" onClick={() => setFormat('csv')}>
          {t('changeLog.exportCsv')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => setFormat('ndjson')}>
          {t('changeLog.exportNdjson')}
        </button>
      </div>
      <Notice text={notice} />
      <WarningList warnings={action.warnings} />
      {format && (
        <ConfirmDialog
          title={t('changeLog.exportConfirmTitle', { format: format.toUpperCase() })}
          consequences={[t('changeLog.exportConsequence')]}
          confirmLabel={t('changeLog.download')}
          busy={action.busy}
          onConfirm={() => void download(format)}
          onCancel={() => (setFormat(undefined), action.clear())}
          problem={action.problem}
        />
      )}
    </section>
  );
}
