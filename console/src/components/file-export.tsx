import { useId, useState } from 'react';
import type { Outcome } from '../api/api-result';
import { useApiAction } from '../api/use-api';
import { useI18n } from '../i18n/i18n';
import { ConfirmDialog } from './confirm-dialog';
import { Notice, WarningList } from './warning-list';

export type ExportFormat = 'csv' | 'ndjson';

export interface FileExportProps {
  /** What the file holds, said under the heading. */
  intro: string;
  /** The dialog's question, for the chosen format ("CSV", "NDJSON"). */
  confirmTitle(format: string): string;
  /** What holding the file means (personal data), read before downloading. */
  consequence: string;
  fileName(format: ExportFormat): string;
  /** Fetches the file with the person's token, as a blob (`parseAs: 'blob'`). */
  fetch(format: ExportFormat): Promise<Outcome<unknown>>;
}

/**
 * Downloads an export of the admin API as CSV or NDJSON. The export needs the Bearer token, which a plain link
 * cannot carry, so it is fetched and handed to the browser as a blob: URL on an <a download>. The personal-data
 * warning is said before (the dialog) and the API's own `Doorway-Warning` after.
 */
export function FileExport({ intro, confirmTitle, consequence, fileName, fetch }: FileExportProps) {
  const { t } = useI18n();
  const id = useId();
  const action = useApiAction();
  const [format, setFormat] = useState<ExportFormat>();
  const [notice, setNotice] = useState<string>();

  const download = async (chosen: ExportFormat) => {
    setNotice(undefined);
    const done = await action.run(() => fetch(chosen));
    if (!done) return;
    const file = fileName(chosen);
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
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{t('changeLog.exportTitle')}</h2>
      <p className="hint">{intro}</p>
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
          title={confirmTitle(format.toUpperCase())}
          consequences={[consequence]}
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
