import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction, withItem } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ProblemView } from '../components/problem-view';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { usePagedList } from './people/use-paged-list';
import { UserAccessPanel } from './users/user-access-panel';
import { UserCreateForm } from './users/user-create-form';
import { UserEditForm } from './users/user-edit-form';
import { UserFilter, type UserQuery } from './users/user-filter';
import { STATUS_ACTIONS, type StatusAction, type User } from './users/user-status';
import { UserTable } from './users/user-table';

type Pending = { user: User; action: StatusAction | 'delete' };

/**
 * Users of the tenant (src/admin-api/routes/users.routes.ts), for tenant admins and user managers: find, create,
 * edit, lock, restrict processing and delete. What takes something away is confirmed after reading what it does.
 */
export function UsersPage() {
  const { t } = useI18n();
  const { api, where, tenantName } = useConsole();
  const tenant = where.slug;
  const [query, setQuery] = useState<UserQuery>({});
  const users = usePagedList(
    (cursor) => unwrap(api.GET('/tenants/{tenant}/users', { params: { path: { tenant }, query: { ...query, cursor, limit: 50 } } })),
    [tenant, query],
  );
  const change = useApiAction();
  const [outcome, setOutcome] = useState<{ notice?: string; warnings: string[] }>({ warnings: [] });
  const [editing, setEditing] = useState<User>();
  const [managing, setManaging] = useState<User>();
  const [pending, setPending] = useState<Pending>();

  const changed = (notice: string, warnings: string[] = [], user?: User) => {
    setOutcome({ notice, warnings });
    if (user) users.update((list) => withItem(list, user, (u) => u.id));
    setEditing(undefined);
    setManaging(undefined);
    setPending(undefined);
    users.reload();
  };
  const who = (user: User) => user.email ?? user.id;
  const perform = async ({ user, action }: Pending) => {
    const path = { tenant, userId: user.id };
    if (action === 'delete') {
      if (await change.run(() => unwrap(api.DELETE('/tenants/{tenant}/users/{userId}', { params: { path } })))) changed(t('users.deleted', { name: who(user) }));
      return;
    }
    // The four status routes take the same parameters and answer the same user, so one of their types fits all.
    const route = `/tenants/{tenant}/users/{userId}/${action}` as '/tenants/{tenant}/users/{userId}/lock';
    const done = await change.run(() => unwrap(api.POST(route, { params: { path } })));
    if (done) changed(t(STATUS_ACTIONS[action].done, { name: who(user) }), done.warnings, done.data);
  };
  const ask = (next: Pending) => {
    change.clear();
    if (next.action === 'delete' || STATUS_ACTIONS[next.action].confirm) setPending(next);
    else void perform(next);
  };
  const dialog = pending && confirmation(pending);
  function confirmation({ user, action }: Pending) {
    if (action === 'delete') return { title: t('users.deleteTitle', { name: who(user) }), consequence: t('users.deleteConsequence'), label: t('common.delete') };
    const spec = STATUS_ACTIONS[action];
    return { title: t(spec.confirm!.title, { name: who(user) }), consequence: t(spec.confirm!.consequence), label: t(spec.label) };
  }

  return (
    <>
      <h1>{t('users.title')}</h1>
      <p className="intro">{t('users.intro', { tenant: tenantName })}</p>
      <Notice text={outcome.notice} />
      <WarningList warnings={outcome.warnings} />
      {!pending && <ProblemView problem={change.problem} />}
      {managing ? (
        <UserAccessPanel key={managing.id} user={managing} onClose={() => setManaging(undefined)} />
      ) : editing ? (
        <UserEditForm key={editing.id} user={editing} onSaved={(u, w) => changed(t('users.saved', { name: who(u) }), w, u)} onCancel={() => setEditing(undefined)} />
      ) : (
        <UserCreateForm onCreated={(u, w) => changed(t('users.created', { name: who(u) }), w)} />
      )}
      <h2>{t('users.list')}</h2>
      <UserFilter query={query} onChange={setQuery} />
      <ProblemView problem={users.problem} />
      {users.loading && !users.items && <p>{t('app.loading')}</p>}
      {users.items && <UserTable users={users.items} onEdit={(u) => (change.clear(), setManaging(undefined), setEditing(u))} onAccess={(u) => (change.clear(), setEditing(undefined), setManaging(u))} onStatus={(user, action) => ask({ user, action })} onDelete={(user) => ask({ user, action: 'delete' })} />}
      {users.next && (
        <button type="button" className="btn btn-secondary more" onClick={() => void users.loadMore()} disabled={users.loading}>
          {t('common.loadMore')}
        </button>
      )}
      {pending && dialog && (
        <ConfirmDialog
          title={dialog.title}
          consequences={[dialog.consequence]}
          confirmLabel={dialog.label}
          danger
          typeToConfirm={pending.action === 'delete' ? who(pending.user) : undefined}
          busy={change.busy}
          onConfirm={() => void perform(pending)}
          onCancel={() => (setPending(undefined), change.clear())}
          problem={change.problem}
        />
      )}
    </>
  );
}
