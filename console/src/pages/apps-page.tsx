import '../styles/config-pages.css';
import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction, useApiQuery, withItem } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { OneTimeSecret } from '../components/one-time-secret';
import { ProblemView } from '../components/problem-view';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { AppCreateForm, type CreatedApp } from './apps/app-create-form';
import { AppTable } from './apps/app-table';
import { appName, type App } from './apps/app-types';

/**
 * The tenant's OIDC clients (src/admin-api/routes/clients.routes.ts), tenant admins only. A secret is in the
 * API's answer once, when the app is created or its secret replaced, and is shown here that once.
 */
export function AppsPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const apps = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/clients', { params: { path: { tenant }, query: { limit: 200 } } })), [tenant]);
  const change = useApiAction();
  const [pending, setPending] = useState<{ kind: 'rotate' | 'delete'; app: App }>();
  const [secret, setSecret] = useState<{ name: string; value: string }>();
  const [notice, setNotice] = useState<string>();
  const [warnings, setWarnings] = useState<string[]>([]);

  const changed = (message: string) => {
    setNotice(message);
    apps.reload();
  };
  const created = (app: CreatedApp) => {
    setWarnings(app.warnings);
    if (app.secret) setSecret({ name: app.name, value: app.secret });
    changed(t('apps.created', { name: app.name }));
  };
  const confirm = async ({ kind, app }: { kind: 'rotate' | 'delete'; app: App }) => {
    const path = { tenant, clientId: app.client_id };
    if (kind === 'rotate') {
      const done = await change.run(() => unwrap(api.POST('/tenants/{tenant}/clients/{clientId}/rotate-secret', { params: { path } })));
      if (!done) return;
      setPending(undefined);
      setSecret({ name: appName(app), value: done.data.client_secret });
      return;
    }
    const done = await change.run(() => unwrap(api.DELETE('/tenants/{tenant}/clients/{clientId}', { params: { path } })));
    if (!done) return;
    setPending(undefined);
    changed(t('apps.deleted', { name: appName(app) }));
  };

  return (
    <>
      <h1>{t('apps.title')}</h1>
      <p className="intro">{t('apps.intro')}</p>
      <Notice text={notice} />
      <WarningList warnings={[...warnings, ...change.warnings]} />
      {secret && <OneTimeSecret title={t('apps.secretTitle', { name: secret.name })} secret={secret.value} onDone={() => setSecret(undefined)} />}
      <AppCreateForm tenant={tenant} onCreated={created} />
      <ProblemView problem={apps.problem} />
      {apps.loading && !apps.data && <p>{t('app.loading')}</p>}
      {apps.data && (
        <AppTable
          apps={apps.data.items}
          onChanged={(app) => (apps.update((l) => withItem(l, app, (a) => a.client_id)), changed(t('common.saved')))}
          onRotate={(app) => setPending({ kind: 'rotate', app })}
          onDelete={(app) => setPending({ kind: 'delete', app })}
        />
      )}
      {pending && (
        <ConfirmDialog
          title={t(pending.kind === 'rotate' ? 'apps.rotateTitle' : 'apps.deleteTitle', { name: appName(pending.app) })}
          consequences={[t(pending.kind === 'rotate' ? 'apps.rotateConsequence' : 'apps.deleteConsequence')]}
          confirmLabel={pending.kind === 'rotate' ? t('apps.rotate') : t('common.delete')}
          danger
          busy={change.busy}
          onConfirm={() => void confirm(pending)}
          onCancel={() => (setPending(undefined), change.clear())}
          problem={change.problem}
        />
      )}
    </>
  );
}
