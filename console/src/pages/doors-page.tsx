import './door-access/door-access.css';
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
import { DoorCreateForm } from './doors/door-create-form';
import { DoorTable, type Door } from './doors/door-table';

/**
 * Doors of the tenant (src/admin-api/routes/doors.routes.ts): tenant admins and user managers read them, only a
 * tenant admin creates, renames or archives one. Archiving is final: the door leaves new tokens and takes no new
 * grants, while its grants stay so that who could open it before remains answerable.
 */
export function DoorsPage() {
  const { t } = useI18n();
  const { api, where, person } = useConsole();
  const tenant = where.slug;
  const [withArchived, setWithArchived] = useState(false);
  const doors = useApiQuery(
    () => allPages((cursor) => unwrap(api.GET('/tenants/{tenant}/doors', { params: { path: { tenant }, query: { cursor, limit: 200, include_archived: withArchived ? 'true' : 'false' } } }))),
    [tenant, withArchived],
  );
  const archival = useApiAction();
  const [archiving, setArchiving] = useState<Door>();
  const [notice, setNotice] = useState<string>();
  const mayWrite = person.roles.includes('tenant_admin');

  // What the API said about the last change (its `warnings`), shown where the person made it.
  const [warnings, setWarnings] = useState<readonly string[]>([]);
  const changed = (message: string, said: readonly string[] = []) => {
    setNotice(message);
    setWarnings(said);
    doors.reload();
  };
  const confirmArchive = async (door: Door) => {
    const path = { tenant, doorKey: door.key };
    const done = await archival.run(() => unwrap(api.POST('/tenants/{tenant}/doors/{doorKey}/archive', { params: { path } })));
    if (!done) return;
    setArchiving(undefined);
    changed(t('doors.archived', { name: door.name }), done.warnings);
  };

  return (
    <>
      <h1>{t('doors.title')}</h1>
      <p className="intro">{t('doors.intro')}</p>
      <Notice text={notice} />
      <WarningList warnings={warnings} />
      {mayWrite && <DoorCreateForm tenant={tenant} onCreated={(name, said) => changed(t('doors.created', { name }), said)} />}
      <div className="field checkbox-field">
        <input id="doors-with-archived" type="checkbox" checked={withArchived} onChange={(e) => setWithArchived(e.target.checked)} />
        <label htmlFor="doors-with-archived">{t('doors.showArchived')}</label>
      </div>
      <ProblemView problem={doors.problem} />
      {doors.loading && !doors.data && <p>{t('app.loading')}</p>}
      {doors.data && <DoorTable doors={doors.data.items} mayWrite={mayWrite} onChanged={(door, said) => (doors.update((l) => withItem(l, door, (d) => d.key)), changed(t('common.saved'), said))} onArchive={setArchiving} />}
      {archiving && (
        <ConfirmDialog
          title={t('doors.archiveTitle', { name: archiving.name })}
          consequences={[t('doors.archiveConsequence'), t('doors.archiveHistory'), t('doors.archiveFinal')]}
          confirmLabel={t('doors.archive')}
          danger
          busy={archival.busy}
          onConfirm={() => void confirmArchive(archiving)}
          onCancel={() => (setArchiving(undefined), archival.clear())}
          problem={archival.problem}
        />
      )}
    </>
  );
}
