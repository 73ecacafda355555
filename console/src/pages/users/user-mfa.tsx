import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import { ConfirmedButton } from '../people/confirmed-button';
import { formatMoment } from '../../components/moment';
import type { User } from './user-status';

/** A user's second factors as the API shows them (never a secret); a tenant admin may remove them all. */
export function UserMfa({ user, mayReset, onDone }: { user: User; mayReset: boolean; onDone(notice: string): void }) {
  const { t, locale } = useI18n();
  const { api, where } = useConsole();
  const date = (iso: string | null | undefined) => formatMoment(iso, locale) || '–';
  const path = { tenant: where.slug, userId: user.id };
  const mfa = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/users/{userId}/mfa', { params: { path } })), [where.slug, user.id]);
  const factors = mfa.data;
  const any = !!factors && (!!factors.totp || factors.passkeys.length > 0 || factors.recovery_codes_left > 0);

  return (
    <section className="subsection" aria-labelledby="user-mfa-title">
      <h3 id="user-mfa-title">{t('userAccess.mfa')}</h3>
      <ProblemView problem={mfa.problem} />
      {factors && (
        <ul className="plain-list">
          <li>{factors.totp ? t('userAccess.totpSince', { since: date(factors.totp.created_at) }) : t('userAccess.noTotp')}</li>
          <li>{t('userAccess.passkeys', { count: factors.passkeys.length })}</li>
          <li>{t('userAccess.recoveryCodes', { count: factors.recovery_codes_left })}</li>
        </ul>
      )}
      {mayReset && any && (
        <ConfirmedButton
          label={t('userAccess.resetMfa')}
          title={t('userAccess.resetMfaTitle', { name: user.email ?? user.id })}
          consequences={[t('userAccess.resetMfaConsequence')]}
          action={() => unwrap(api.DELETE('/tenants/{tenant}/users/{userId}/mfa', { params: { path } }))}
          onDone={() => (mfa.reload(), onDone(t('userAccess.mfaReset')))}
        />
      )}
    </section>
  );
}
