import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { fieldMessage } from '../../components/field-message';
import { LinesField, nonEmptyLines } from '../../components/lines-field';
import { ProblemView } from '../../components/problem-view';
import { RowActions } from '../../components/row-actions';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import { appName, isPublicApp, type App } from './app-types';

interface AppTableProps {
  apps: readonly App[];
  /** An app's redirect URIs were changed: the app as the API answered. */
  onChanged(app: App): void;
  onRotate(app: App): void;
  onDelete(app: App): void;
}

/** The tenant's apps; only tenant admins reach this page, so every row has its actions. */
export function AppTable({ apps, onChanged, onRotate, onDelete }: AppTableProps) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<string>();
  if (apps.length === 0) return <p>{t('apps.empty')}</p>;
  return (
    <ScrollTable label={t('apps.title')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('apps.name')}</th>
            <th scope="col">{t('apps.type')}</th>
            <th scope="col">{t('apps.redirectUris')}</th>
            <th scope="col">{t('apps.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {apps.map((app) => (
            <tr key={app.client_id}>
              <th scope="row">
                {appName(app)}
                <br />
                <span className="meta">
                  {t('apps.clientId')}: <code>{app.client_id}</code>
                </span>
              </th>
              <td>{isPublicApp(app) ? t('apps.typePublic') : t('apps.typeConfidential')}</td>
              <td>
                {editing === app.client_id ? (
                  <UrisForm app={app} onDone={(saved) => (setEditing(undefined), saved && onChanged(saved))} />
                ) : (
                  <ul className="plain-list">
                    {app.redirect_uris.map((uri) => (
                      <li key={uri}>
                        <code>{uri}</code>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <RowActions
                editLabel={t('apps.editUris', { name: appName(app) })}
                deleteLabel={t('apps.deleteLabel', { name: appName(app) })}
                onEdit={() => setEditing(app.client_id)}
                onDelete={() => onDelete(app)}
              >
                {!isPublicApp(app) && (
                  <button type="button" className="btn btn-secondary" onClick={() => onRotate(app)} aria-label={t('apps.rotateLabel', { name: appName(app) })}>
                    {t('apps.rotate')}
                  </button>
                )}
              </RowActions>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/** Changes an app's redirect and post-logout redirect URIs in place; the API checks them. */
function UrisForm({ app, onDone }: { app: App; onDone(saved: App | undefined): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [redirects, setRedirects] = useState<string[]>(app.redirect_uris);
  const [logoutRedirects, setLogoutRedirects] = useState<string[]>(app.post_logout_redirect_uris);
  const save = async () => {
    const body = { redirect_uris: nonEmptyLines(redirects), post_logout_redirect_uris: nonEmptyLines(logoutRedirects) };
    const path = { tenant: where.slug, clientId: app.client_id };
    const done = await action.run(() => unwrap(api.PATCH('/tenants/{tenant}/clients/{clientId}', { params: { path }, body })));
    if (done) onDone(done.data);
  };
  return (
    <form className="stack-form" onSubmit={(e) => (e.preventDefault(), void save())}>
      <ProblemView problem={action.problem} />
      <LinesField label={t('apps.redirectUris')} hint={t('apps.redirectHint')} values={redirects} onChange={setRedirects} error={fieldMessage(action.problem, 'redirect_uris')} />
      <LinesField
        label={t('apps.postLogoutUris')}
        values={logoutRedirects}
        onChange={setLogoutRedirects}
        error={fieldMessage(action.problem, 'post_logout_redirect_uris')}
      />
      <div className="row-actions">
        <button type="submit" className="btn btn-primary" disabled={action.busy}>
          {t('common.save')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={() => onDone(undefined)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
