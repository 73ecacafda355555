import type { paths } from '../../api/schema';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/i18n';
import { formatMoment } from '../../components/moment';
import { NameTags } from '../people/name-tags';

/** An invitation as the API lists it: the type comes from the OpenAPI document, so it follows the API. */
export type Invitation = paths['/tenants/{tenant}/invitations']['get']['responses'][200]['content']['application/json']['items'][number];
export type InvitationState = Invitation['state'];
export const INVITATION_STATES: readonly InvitationState[] = ['pending', 'accepted', 'revoked', 'expired'];
export const stateKey = (state: InvitationState): MessageKey => `invitations.state.${state}`;
const deliveryKey = (delivery: Invitation['delivery_state']): MessageKey => `invitations.delivery.${delivery}`;

interface InvitationTableProps {
  invitations: readonly Invitation[];
  onResend(invitation: Invitation): void;
  onRevoke(invitation: Invitation): void;
}

/** Invitations with their state and the state of their mail; a pending one can be sent again or withdrawn. */
export function InvitationTable({ invitations, onResend, onRevoke }: InvitationTableProps) {
  const { t, locale } = useI18n();
  const date = (iso: string | null | undefined) => formatMoment(iso, locale) || '–';
  if (invitations.length === 0) return <p>{t('invitations.empty')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('people.email')}</th>
            <th scope="col">{t('invitations.stateLabel')}</th>
            <th scope="col">{t('invitations.deliveryLabel')}</th>
            <th scope="col">{t('people.roles')}</th>
            <th scope="col">{t('invitations.doors')}</th>
            <th scope="col">{t('invitations.expires')}</th>
            <th scope="col">{t('roles.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {invitations.map((invitation) => {
            const who = invitation.email ?? invitation.name ?? invitation.id;
            return (
              <tr key={invitation.id}>
                <th scope="row">{who}</th>
                <td>{t(stateKey(invitation.state))}</td>
                <td>{t(deliveryKey(invitation.delivery_state))}</td>
                <td>
                  <NameTags names={invitation.roles} />
                </td>
                <td>
                  <NameTags names={invitation.door_permissions.map((d) => d.door_id)} />
                </td>
                <td>{date(invitation.expires_at)}</td>
                <td>
                  <div className="row-actions">
                    {invitation.state === 'pending' && (
                      <>
                        <button type="button" className="btn btn-secondary" onClick={() => onResend(invitation)} aria-label={t('invitations.resendLabel', { name: who })}>
                          {t('invitations.resend')}
                        </button>
                        <button type="button" className="btn btn-danger" onClick={() => onRevoke(invitation)} aria-label={t('invitations.revokeLabel', { name: who })}>
                          {t('invitations.revoke')}
                        </button>
                      </>
                    )}
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
