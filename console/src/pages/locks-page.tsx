import '../components/form-controls.css';
import { useState } from 'react';
import { allPages } from '../api/all-pages';
import { unwrap } from '../api/api-result';
import { useApiAction, useApiQuery, withItem } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ProblemView } from '../components/problem-view';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { LockCreateForm } from './locks/lock-create-form';
import { LockEditForm } from './locks/lock-edit-form';
import { LockHistory } from './locks/lock-history';
import { LockTable } from './locks/lock-table';
import type { Lock } from './locks/lock-types';

/**
 * Locks of the tenant (src/admin-api/routes/locks.routes.ts): tenant admins register, change and retire them,
 * user managers read them. A lock is an OAuth client signing in with its own key; retiring one deletes that
 * client and ends its tokens, while its record and status history stay.
 */
export function LocksPage() {
  const { t } = useI18n();
  const { api, where, person } = useConsole();
  const tenant = where.slug;
  const [withRetired, setWithRetired] = useState(false);
  const locks = useApiQuery(
    () => allPages((cursor) => unwrap(api.GET('/tenants/{tenant}/locks', { params: { path: { tenant }, query: { cursor, limit: 200, include_retired: withRetired ? 'true' : 'false' } } }))),
    [tenant, withRetired],
  );
  const retirement = useApiAction();
  const [editing, setEditing] = useState<Lock>();
  const [viewing, setViewing] = useState<Lock>();
  const [retiring, setRetiring] = useState<Lock>();
  const [notice, setNotice] = useState<string>();
  const [warnings, setWarnings] = useState<readonly string[]>([]);
  const mayWrite = person.roles.includes('tenant_admin');

  const changed = (message: string, said: readonly string[] = []) => {
    setNotice(message);
    setWarnings(said);
    locks.reload();
  };
  const edited = (saved: { lock: Lock; warnings: readonly string[] } | undefined) => {
    setEditing(undefined);
    if (!saved) return;
    locks.update((list) => withItem(list, saved.lock, (l) => l.id));
    changed(t('common.saved'), saved.warnings);
  };
  const confirmRetire = async (lock: Lock) => {
    const path = { tenant, lockId: lock.id };
    const done = await retirement.run(() => unwrap(api.POST('/tenants/{tenant}/locks/{lockId}/retire', { params: { path } })));
    if (!done) return;
    setRetiring(undefined);
    changed(t('locks.retired', { name: lock.name }), done.warnings);
  };

  return (
    <>
      <h1>{t('locks.title')}</h1>
      <p className="intro">{t('locks.intro')}</p>
      <Notice text={notice} />
      <WarningList warnings={warnings} />
      {mayWrite && !editing && <LockCreateForm tenant={tenant} onCreated={(name, said) => changed(t('locks.created', { name }), said)} />}
      {editing && <LockEditForm key={editing.id} lock={editing} onDone={edited} />}
      <div className="field checkbox-field">
        <input id="locks-with-retired" type="checkbox" checked={withRetired} onChange={(e) => setWithRetired(e.target.checked)} />
        <label htmlFor="locks-with-retired">{t('locks.showRetired')}</label>
      </div>
      <ProblemView problem={locks.problem} />
      {locks.loading && !locks.data && <p>{t('app.loading')}</p>}
      {locks.data && <LockTable locks={locks.data.items} mayWrite={mayWrite} onEdit={setEditing} onHistory={setViewing} onRetire={setRetiring} />}
      {viewing && <LockHistory key={viewing.id} lock={viewing} onClose={() => setViewing(undefined)} />}
      {retiring && (
        <ConfirmDialog
          title={t('locks.retireTitle', { name: retiring.name })}
          consequences={[t('locks.retireConsequence'), t('locks.retireKept'), t('locks.retireFinal')]}
          confirmLabel={t('locks.retire')}
          danger
          typeToConfirm={retiring.name}
          busy={retirement.busy}
          onConfirm={() => void confirmRetire(retiring)}
          onCancel={() => (setRetiring(undefined), retirement.clear())}
          problem={retirement.problem}
        />
      )}
    </>
  );
}
