import { useI18n } from '../../i18n/i18n';
import { actionsFor, type Tenant, type TenantAction } from './tenant-types';

const BUTTON: Record<TenantAction, 'btn btn-secondary' | 'btn btn-danger'> = {
  suspend: 'btn btn-secondary',
  resume: 'btn btn-secondary',
  rotate: 'btn btn-secondary',
  invite: 'btn btn-secondary',
  terminate: 'btn btn-danger',
};

/** The tenants, each with what an operator may do with it in its state. */
export function TenantTable({ tenants, onAction }: { tenants: readonly Tenant[]; onAction(tenant: Tenant, action: TenantAction): void }) {
  const { t, locale } = useI18n();
  if (tenants.length === 0) return <p>{t('tenants.empty')}</p>;
  return (
    <div className="table-wrap">
      <table className="tenant-table">
        <thead>
          <tr>
            <th scope="col">{t('tenants.slug')}</th>
            <th scope="col">{t('tenants.name')}</th>
            <th scope="col">{t('tenants.state')}</th>
            <th scope="col">{t('tenants.createdAt')}</th>
            <th scope="col">{t('roles.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((tenant) => (
            <tr key={tenant.slug}>
              <th scope="row">
                <code>{tenant.slug}</code>
              </th>
              <td>{tenant.name}</td>
              <td>{t(`tenants.state.${tenant.state}`)}</td>
              <td>{new Date(tenant.created_at).toLocaleDateString(locale)}</td>
              <td>
                <div className="row-actions">
                  {actionsFor(tenant).map((action) => (
                    <button key={action} type="button" className={BUTTON[action]} onClick={() => onAction(tenant, action)} aria-label={t(`tenants.${action}Label`, { slug: tenant.slug })}>
                      {t(`tenants.${action}`)}
                    </button>
                  ))}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
