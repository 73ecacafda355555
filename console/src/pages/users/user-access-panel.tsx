import { useState } from 'react';
import { useConsole } from '../../app/console-context';
import { Notice, WarningList } from '../../components/warning-list';
import { useI18n } from '../../i18n/i18n';
import { useFocusOnMount } from '../../components/focus-on-mount';
import { ADMIN_ROLES, mayGrantAdminRoles } from '../people/role-picker';
import { UserDevices } from './user-devices';
import { UserExport } from './user-export';
import { UserMfa } from './user-mfa';
import { UserPasswordForm } from './user-password-form';
import { UserSessions } from './user-sessions';
import type { User } from './user-status';

/**
 * How a user signs in and what is held about them: sessions, second factors, phones, a temporary password and
 * the data export. Only what the API allows the person is offered: resetting second factors is a tenant admin's, as is
 * setting the password of someone holding an admin role.
 */
export function UserAccessPanel({ user, onClose }: { user: User; onClose(): void }) {
  const { t } = useI18n();
  const { person } = useConsole();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [outcome, setOutcome] = useState<{ notice?: string; warnings: string[] }>({ warnings: [] });
  const done = (notice: string, warnings: string[] = []) => setOutcome({ notice, warnings });
  const isAdmin = mayGrantAdminRoles(person.roles);
  const holdsAdminRole = user.roles.some((r) => (ADMIN_ROLES as readonly string[]).includes(r));
  const mayPassword = (user.status === 'active' || user.status === 'locked') && (isAdmin || !holdsAdminRole);

  return (
    <section className="panel panel-wide" aria-labelledby="user-access-title">
      <h2 id="user-access-title" ref={heading} tabIndex={-1}>{t('userAccess.title', { name: user.email ?? user.id })}</h2>
      <Notice text={outcome.notice} />
      <WarningList warnings={outcome.warnings} />
      <UserSessions user={user} onDone={done} />
      <UserMfa user={user} mayReset={isAdmin} onDone={done} />
      <UserDevices user={user} onDone={done} />
      {mayPassword && <UserPasswordForm user={user} onDone={done} />}
      <UserExport user={user} onDone={done} />
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </section>
  );
}
