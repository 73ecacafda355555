import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import type { User } from './user-status';

/** Saves a file in the browser from data already in memory: nothing is sent anywhere. */
function saveJson(data: unknown, fileName: string) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Everything held about the user, for an access or portability request, saved as a JSON file. What handing it
 * over means is said before; the API's own warning is shown after.
 */
export function UserExport({ user, onDone }: { user: User; onDone(notice: string, warnings: string[]): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const download = async () => {
    const path = { tenant: where.slug, userId: user.id };
    const done = await action.run(() => unwrap(api.GET('/tenants/{tenant}/users/{userId}/export', { params: { path } })));
    if (!done) return;
    saveJson(done.data, `export-${user.id}.json`);
    onDone(t('userAccess.exported', { name: user.email ?? user.id }), done.warnings);
  };
  return (
    <section className="subsection" aria-labelledby="user-export-title">
      <h3 id="user-export-title">{t('userAccess.export')}</h3>
      <p className="hint">{t('userAccess.exportHint')}</p>
      <ProblemView problem={action.problem} />
      <button type="button" className="btn btn-secondary" onClick={() => void download()} disabled={action.busy}>
        {t('userAccess.download')}
      </button>
    </section>
  );
}
