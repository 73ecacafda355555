import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n';
import type { Tenant, Termination } from './tenant-types';

/**
 * Termination at the end of a contract: the operator reads what is destroyed and types the tenant's slug
 * before anything happens. What the API answered (the export's key, shown once) goes to onTerminated.
 */
export function TerminationDialog({ tenant, onTerminated, onCancel }: { tenant: Tenant; onTerminated(result: Termination, warnings: string[]): void; onCancel(): void }) {
  const { t } = useI18n();
  const { api } = useConsole();
  const action = useApiAction();

  const confirm = async () => {
    const done = await action.run(() => unwrap(api.DELETE('/tenants/{tenant}', { params: { path: { tenant: tenant.slug } } })));
    if (done) onTerminated(done.data, done.warnings);
  };

  return (
    <ConfirmDialog
      title={t('tenants.terminateTitle', { slug: tenant.slug })}
      consequences={[t('tenants.terminateExport'), t('tenants.terminateDestroy'), t('tenants.terminateKey'), t('tenants.terminateFinal')]}
      confirmLabel={t('tenants.terminate')}
      danger
      typeToConfirm={tenant.slug}
      busy={action.busy}
      onConfirm={() => void confirm()}
      onCancel={onCancel}
      problem={action.problem}
    />
  );
}
