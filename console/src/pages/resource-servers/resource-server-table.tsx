import { RowActions } from '../../components/row-actions';
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
              <RowActions
                editLabel={t('resources.editLabel', { name: r.name })}
                deleteLabel={t('resources.deleteLabel', { name: r.name })}
                onEdit={() => onEdit(r)}
                onDelete={() => onDelete(r)}
              />
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
