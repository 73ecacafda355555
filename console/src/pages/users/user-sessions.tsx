import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import { ConfirmedButton } from '../people/confirmed-button';
import { formatMoment } from '../../components/moment';
import type { User } from './user-status';

/** A user's active sign-in sessions, and ending all of them (with their grants and tokens) after confirming. */
export function UserSessions({ user, onDone }: { user: User; onDone(notice: string): void }) {
  const { t, locale } = useI18n();
  const { api, where } = useConsole();
  const date = (iso: string | null | undefined) => formatMoment(iso, locale) || '–';
  const path = { tenant: where.slug, userId: user.id };
  const sessions = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/users/{userId}/sessions', { params: { path } })), [where.slug, user.id]);
  const items = sessions.data?.items ?? [];
  const device = (d: (typeof items)[number]['device']) => [d?.browser, d?.os].filter(Boolean).join(', ') || t('userAccess.unknownDevice');

  return (
    <section className="subsection" aria-labelledby="user-sessions-title">
      <h3 id="user-sessions-title">{t('userAccess.sessions')}</h3>
      <ProblemView problem={sessions.problem} />
      {sessions.data && items.length === 0 && <p>{t('userAccess.noSessions')}</p>}
      {items.length > 0 && (
        <>
          <ul className="plain-list">
            {items.map((s) => (
              <li key={s.handle}>{t('userAccess.session', { device: device(s.device), since: date(s.signed_in_at), apps: s.client_ids.join(', ') || '–' })}</li>
            ))}
          </ul>
          <ConfirmedButton
            label={t('userAccess.endSessions')}
            title={t('userAccess.endSessionsTitle', { name: user.email ?? user.id })}
            consequences={[t('userAccess.endSessionsConsequence')]}
            action={() => unwrap(api.POST('/tenants/{tenant}/users/{userId}/sessions/revoke', { params: { path } }))}
            onDone={({ data }) => (sessions.reload(), onDone(t('userAccess.sessionsEnded', { count: data.sessions_ended })))}
          />
        </>
      )}
    </section>
  );
}
