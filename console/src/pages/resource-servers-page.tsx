import '../styles/config-pages.css';
import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction, useApiQuery, withItem } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ProblemView } from '../components/problem-view';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { ResourceServerForm, type ResourceServer } from './resource-servers/resource-server-form';
import { ResourceServerTable } from './resource-servers/resource-server-table';

/**
 * The APIs (lock back-ends) the tenant's apps get access tokens for (src/admin-api/routes/
 * resource-servers.routes.ts), tenant admins only: register, change, delete.
 */
export function ResourceServersPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const list = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/resource-servers', { params: { path: { tenant } } })), [tenant]);
  const removal = useApiAction();
  const [editing, setEditing] = useState<ResourceServer>();
  const [deleting, setDeleting] = useState<ResourceServer>();
  const [notice, setNotice] = useState<string>();

  const changed = (message: string) => {
    setNotice(message);
    setEditing(undefined);
    list.reload();
  };
  const saved = (answer: ResourceServer) => {
    if (editing) list.update((l) => withItem(l, answer, (r) => r.id));
    changed(t(editing ? 'resources.saved' : 'resources.created', { name: answer.name }));
  };
  const confirmDelete = async (r: ResourceServer) => {
    const done = await removal.run(() => unwrap(api.DELETE('/tenants/{tenant}/resource-servers/{resourceId}', { params: { path: { tenant, resourceId: r.id } } })));
    if (!done) return;
    setDeleting(undefined);
    changed(t('resources.deleted', { name: r.name }));
  };

  return (
    <>
      <h1>{t('resources.title')}</h1>
      <p className="intro">{t('resources.intro')}</p>
      <Notice text={notice} />
      <WarningList warnings={removal.warnings} />
      <ResourceServerForm
        key={editing?.id ?? 'new'}
        editing={editing}
        onSaved={saved}
        onCancel={editing && (() => setEditing(undefined))}
      />
      <ProblemView problem={list.problem} />
      {list.loading && !list.data && <p>{t('app.loading')}</p>}
      {list.data && <ResourceServerTable items={list.data.items} onEdit={setEditing} onDelete={setDeleting} />}
      {deleting && (
        <ConfirmDialog
          title={t('resources.deleteTitle', { name: deleting.name })}
          consequences={[t('resources.deleteConsequence')]}
          confirmLabel={t('common.delete')}
          danger
          busy={removal.busy}
          onConfirm={() => void confirmDelete(deleting)}
          onCancel={() => (setDeleting(undefined), removal.clear())}
          problem={removal.problem}
        />
      )}
    </>
  );
}
