import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { formatMoment } from '../../components/moment';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import { ConfirmedButton } from '../people/confirmed-button';
import type { User } from './user-status';

/**
 * A user's phones, registered by their app at the access API, revoked ones included; revoking one (after
 * confirming) ends its door keys at once, and locks learn it from the revocation list.
 */
export function UserDevices({ user, onDone }: { user: User; onDone(notice: string, warnings: string[]): void }) {
  const { t, locale } = useI18n();
  const { api, where } = useConsole();
  const path = { tenant: where.slug, userId: user.id };
  const devices = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/users/{userId}/devices', { params: { path } })), [where.slug, user.id]);
  const items = devices.data?.items ?? [];

  return (
    <section className="subsection" aria-labelledby="user-devices-title">
      <h3 id="user-devices-title">{t('devices.title')}</h3>
      <ProblemView problem={devices.problem} />
      {devices.data && items.length === 0 && <p>{t('devices.none')}</p>}
      {items.length > 0 && (
        <ul className="plain-list">
          {items.map((d) => (
            <li key={d.id}>
              <p>
                <strong>{d.label}</strong>{' '}
                {t('devices.registered', { when: formatMoment(d.created_at, locale) })}
                {d.revoked_at && ` · ${t('devices.revokedOn', { when: formatMoment(d.revoked_at, locale) })}`}
              </p>
              {!d.revoked_at && (
                <ConfirmedButton
                  label={t('devices.revoke', { label: d.label })}
                  title={t('devices.revokeTitle', { label: d.label, name: user.email ?? user.id })}
                  consequences={[t('devices.revokeConsequence'), t('devices.revokeFinal')]}
                  action={() => unwrap(api.DELETE('/tenants/{tenant}/users/{userId}/devices/{deviceId}', { params: { path: { ...path, deviceId: d.id } } }))}
                  onDone={({ warnings }) => (devices.reload(), onDone(t('devices.revoked', { label: d.label }), warnings))}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
