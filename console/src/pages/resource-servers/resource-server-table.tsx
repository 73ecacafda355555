import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import type { ResourceServer } from './resource-server-form';

/** The tenant's resource servers; only tenant admins reach this page, so every row has its actions. */
export function ResourceServerTable({ items, onEdit, onDelete }: { items: readonly ResourceServer[]; onEdit(r: ResourceServer): void; onDelete(r: ResourceServer): void }) {
  const { t } = useI18n();
  if (items.length === 0) return <p>{t('resources.empty')}</p>;
  return (
    <ScrollTable label={t('resources.title')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('resources.name')}</th>
            <th scope="col">{t('resources.scopes')}</th>
            <th scope="col">{t('resources.ttlShort')}</th>
            <th scope="col">{t('resources.claims')}</th>
            <th scope="col">{t('resources.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                {r.name}
                <br />
                <code className="meta">{r.identifier}</code>
              </th>
              <td>{r.scopes.map((s) => <code key={s}>{s} </code>)}</td>
              <td className="nowrap">{t('resources.seconds', { count: r.access_token_ttl })}</td>
              <td>{r.claims.map((c) => t(`resources.claim.${c}`)).join(', ') || t('resources.noClaims')}</td>
              <td className="row-actions">
                <button type="button" className="btn btn-secondary" onClick={() => onEdit(r)} aria-label={t('resources.editLabel', { name: r.name })}>
                  {t('common.edit')}
                </button>
                <button type="button" className="btn btn-danger" onClick={() => onDelete(r)} aria-label={t('resources.deleteLabel', { name: r.name })}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
