import { useI18n } from '../../i18n/i18n';
import { NameTags } from '../people/name-tags';
import { STATUS_ACTIONS, statusActionsFor, statusKey, type StatusAction, type User } from './user-status';

interface UserTableProps {
  users: readonly User[];
  onEdit(user: User): void;
  onAccess(user: User): void;
  onStatus(user: User, action: StatusAction): void;
  onDelete(user: User): void;
}

/** The users, each with what may be done to them now; every button's name says whose it is. */
export function UserTable({ users, onEdit, onAccess, onStatus, onDelete }: UserTableProps) {
  const { t } = useI18n();
  if (users.length === 0) return <p>{t('users.empty')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('people.email')}</th>
            <th scope="col">{t('people.name')}</th>
            <th scope="col">{t('users.status')}</th>
            <th scope="col">{t('people.roles')}</th>
            <th scope="col">{t('roles.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => {
            const who = user.email ?? user.id;
            const editable = user.status !== 'anonymized';
            return (
              <tr key={user.id}>
                <th scope="row">{who}</th>
                <td>{user.name}</td>
                <td>{t(statusKey(user.status))}</td>
                <td>
                  <NameTags names={user.roles} />
                </td>
                <td>
                  <div className="row-actions">
                    {editable && (
                      <>
                        <button type="button" className="btn btn-secondary" onClick={() => onEdit(user)} aria-label={t('users.editLabel', { name: who })}>
                          {t('common.edit')}
                        </button>
                        <button type="button" className="btn btn-secondary" onClick={() => onAccess(user)} aria-label={t('userAccess.title', { name: who })}>
                          {t('userAccess.button')}
                        </button>
                      </>
                    )}
                    {statusActionsFor(user).map((action) => (
                      <button
                        key={action}
                        type="button"
                        className={STATUS_ACTIONS[action].danger ? 'btn btn-danger' : 'btn btn-secondary'}
                        onClick={() => onStatus(user, action)}
                        aria-label={`${t(STATUS_ACTIONS[action].label)} ${who}`}
                      >
                        {t(STATUS_ACTIONS[action].label)}
                      </button>
                    ))}
                    <button type="button" className="btn btn-danger" onClick={() => onDelete(user)} aria-label={t('users.deleteLabel', { name: who })}>
                      {t('common.delete')}
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
