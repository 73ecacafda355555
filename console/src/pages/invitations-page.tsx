import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ProblemView } from '../components/problem-view';
import { SelectField } from '../components/select-field';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { InvitationCreateForm } from './invitations/invitation-create-form';
import { INVITATION_STATES, InvitationTable, stateKey, type Invitation, type InvitationState } from './invitations/invitation-table';
import { usePagedList } from './people/use-paged-list';

/**
 * Invitations of the tenant (src/admin-api/routes/invitations.routes.ts), for tenant admins and user managers:
 * invite by email with roles, follow the state of the mail, send a new link, withdraw one.
 */
export function InvitationsPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const [state, setState] = useState('');
  const invitations = usePagedList(
    (cursor) => {
      const query = { cursor, limit: 50, ...(state ? { state: state as InvitationState } : {}) };
      return unwrap(api.GET('/tenants/{tenant}/invitations', { params: { path: { tenant }, query } }));
    },
    [tenant, state],
  );
  const change = useApiAction();
  const [outcome, setOutcome] = useState<{ notice?: string; warnings: string[] }>({ warnings: [] });
  const [revoking, setRevoking] = useState<Invitation>();
  const who = (i: Invitation) => i.email ?? i.name ?? i.id;
  const states = [{ value: '', label: t('invitations.anyState') }, ...INVITATION_STATES.map((s) => ({ value: s, label: t(stateKey(s)) }))];

  const changed = (notice: string, warnings: string[] = []) => {
    setOutcome({ notice, warnings });
    setRevoking(undefined);
    invitations.reload();
  };
  const act = async (invitation: Invitation, name: 'resend' | 'revoke') => {
    const path = { tenant, invitationId: invitation.id };
    // Both routes take the same parameters and answer the invitation, so one of their types fits both.
    const route = `/tenants/{tenant}/invitations/{invitationId}/${name}` as '/tenants/{tenant}/invitations/{invitationId}/revoke';
    const done = await change.run(() => unwrap(api.POST(route, { params: { path } })));
    if (done) changed(t(name === 'resend' ? 'invitations.resent' : 'invitations.revoked', { name: who(invitation) }), done.warnings);
  };

  return (
    <>
      <h1>{t('invitations.title')}</h1>
      <p className="intro">{t('invitations.intro')}</p>
      <Notice text={outcome.notice} />
      <WarningList warnings={outcome.warnings} />
      {!revoking && <ProblemView problem={change.problem} />}
      <InvitationCreateForm onCreated={(i, w) => changed(t('invitations.created', { name: who(i) }), w)} />
      <h2>{t('invitations.list')}</h2>
      <div className="inline-form filter">
        <SelectField label={t('invitations.stateLabel')} value={state} onChange={setState} options={states} />
      </div>
      <ProblemView problem={invitations.problem} />
      {invitations.loading && !invitations.items && <p>{t('app.loading')}</p>}
      {invitations.items && (
        <InvitationTable invitations={invitations.items} onResend={(i) => (change.clear(), void act(i, 'resend'))} onRevoke={(i) => (change.clear(), setRevoking(i))} />
      )}
      {invitations.next && (
        <button type="button" className="btn btn-secondary more" onClick={() => void invitations.loadMore()} disabled={invitations.loading}>
          {t('common.loadMore')}
        </button>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('invitations.revokeTitle', { name: who(revoking) })}
          consequences={[t('invitations.revokeConsequence')]}
          confirmLabel={t('invitations.revoke')}
          danger
          busy={change.busy}
          onConfirm={() => void act(revoking, 'revoke')}
          onCancel={() => (setRevoking(undefined), change.clear())}
          problem={change.problem}
        />
      )}
    </>
  );
}
