import { unwrap, type Outcome } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n';
import type { Tenant } from './tenant-types';

type Change = 'suspend' | 'resume' | 'rotate';

/** Suspending, resuming or rotating a tenant's signing keys, each after the operator has read what follows. */
export function StateDialog({ tenant, change, onDone, onCancel }: { tenant: Tenant; change: Change; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const action = useApiAction();
  const params = { path: { tenant: tenant.slug } };
  const call: () => Promise<Outcome<unknown>> = {
    suspend: () => unwrap(api.POST('/tenants/{tenant}/suspend', { params })),
    resume: () => unwrap(api.POST('/tenants/{tenant}/resume', { params })),
    rotate: () => unwrap(api.POST('/tenants/{tenant}/keys/rotate', { params })),
  }[change];
  const confirm = async () => {
    if (await action.run(call)) onDone();
  };
  return (
    <ConfirmDialog
      title={t(`tenants.${change}Title`, { slug: tenant.slug })}
      consequences={[t(`tenants.${change}Consequence`, { slug: tenant.slug })]}
      confirmLabel={t(`tenants.${change}`)}
      danger={change === 'suspend'}
      busy={action.busy}
      onConfirm={() => void confirm()}
      onCancel={onCancel}
      problem={action.problem}
    />
  );
}
