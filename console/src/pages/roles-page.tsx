import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction, useApiQuery, withItem } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ProblemView } from '../components/problem-view';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { RoleCreateForm } from './roles/role-create-form';
import { RoleTable, type Role } from './roles/role-table';

/**
 * Roles of the tenant (src/admin-api/routes/roles.routes.ts): everyone who may read them sees the list; the
 * API refuses changes to anyone but a tenant admin, and the page shows its refusal like any other problem.
 */
export function RolesPage() {
  const { t } = useI18n();
  const { api, where, person } = useConsole();
  const tenant = where.slug;
  const roles = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/roles', { params: { path: { tenant }, query: { limit: 200 } } })), [tenant]);
  const removal = useApiAction();
  const [deleting, setDeleting] = useState<Role>();
  const [notice, setNotice] = useState<string>();
  const mayWrite = person.roles.includes('tenant_admin');

  const changed = (message: string) => {
    setNotice(message);
    roles.reload();
  };
  const confirmDelete = async (role: Role) => {
    const path = { tenant, role: role.name };
    const done = await removal.run(() => unwrap(api.DELETE('/tenants/{tenant}/roles/{role}', { params: { path } })));
    if (!done) return;
    setDeleting(undefined);
    changed(t('roles.deleted', { name: role.name }));
  };

  return (
    <>
      <h1>{t('roles.title')}</h1>
      <p className="intro">{t('roles.intro')}</p>
      <Notice text={notice} />
      <WarningList warnings={removal.warnings} />
      {mayWrite && <RoleCreateForm tenant={tenant} onCreated={(name) => changed(t('roles.created', { name }))} />}
      <ProblemView problem={roles.problem} />
      {roles.loading && !roles.data && <p>{t('app.loading')}</p>}
      {roles.data && <RoleTable roles={roles.data.items} mayWrite={mayWrite} onChanged={(role) => (roles.update((l) => withItem(l, role, (r) => r.name)), changed(t('common.saved')))} onDelete={setDeleting} />}
      {deleting && (
        <ConfirmDialog
          title={t('roles.deleteTitle', { name: deleting.name })}
          consequences={[t('roles.deleteConsequence')]}
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
