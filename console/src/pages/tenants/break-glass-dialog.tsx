import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import { AdminInviteeFields, emptyInvitee, inviteeBody } from './admin-invitee-fields';
import type { Tenant } from './tenant-types';

/**
 * Break-glass: a new admin for a tenant that has lost all of its own. The operator enrols a person into a
 * customer's tenant, so what that means is said before sending; the API refuses (409) while the tenant still
 * has an admin, and that refusal is shown here.
 */
export function BreakGlassDialog({ tenant, onSent, onCancel }: { tenant: Tenant; onSent(expiresAt: string, warnings: string[]): void; onCancel(): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const action = useApiAction();
  const [invitee, setInvitee] = useState(emptyInvitee);
  const fieldError = (field: string) => action.problem?.fields.find((f) => f.field?.endsWith(field))?.message;

  const send = async () => {
    const path = { tenant: tenant.slug };
    const done = await action.run(() => unwrap(api.POST('/tenants/{tenant}/admin-invitations', { params: { path }, body: inviteeBody(invitee) })));
    if (done) onSent(done.data.expires_at, done.warnings);
  };

  return (
    <ConfirmDialog
      title={t('tenants.inviteTitle', { slug: tenant.slug })}
      consequences={[t('tenants.inviteOnlyWithoutAdmin'), t('tenants.inviteConsequence', { slug: tenant.slug }), t('tenants.adminConsequence')]}
      confirmLabel={t('tenants.inviteSend')}
      busy={action.busy}
      onConfirm={() => void send()}
      onCancel={onCancel}
    >
      {action.problem?.status === 409 && <p className="alert alert-error">{t('tenants.inviteHasAdmin', { slug: tenant.slug })}</p>}
      <ProblemView problem={action.problem} />
      <AdminInviteeFields invitee={invitee} onChange={setInvitee} error={fieldError} />
    </ConfirmDialog>
  );
}
