import { RowActions } from '../../components/row-actions';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import type { Provider } from './directory-types';

/** The tenant's upstream providers: where they are, whom they sign in, and what they may create and give. */
export function ProviderTable({ providers, onEdit, onDelete }: { providers: readonly Provider[]; onEdit(p: Provider): void; onDelete(p: Provider): void }) {
  const { t } = useI18n();
  if (providers.length === 0) return <p>{t('directory.empty')}</p>;
  return (
    <ScrollTable label={t('directory.listTitle')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('directory.name')}</th>
            <th scope="col">{t('directory.issuer')}</th>
            <th scope="col">{t('directory.domains')}</th>
            <th scope="col">{t('directory.jitColumn')}</th>
            <th scope="col">{t('directory.rules')}</th>
            <th scope="col">{t('directory.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {providers.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                {p.name}
                <br />
                <span className="meta">
                  {t('directory.clientId')}: <code>{p.client_id}</code>
                </span>
              </th>
              <td>
                <code>{p.issuer}</code>
              </td>
              <td>
                {p.email_domains.length ? p.email_domains.join(', ') : t('directory.noDomains')}
                {p.email_domains.length > 0 && !p.require_for_domains && (
                  <>
                    <br />
                    <span className="meta">{t('directory.passwordAllowed')}</span>
                  </>
                )}
              </td>
              <td>
                {p.jit_create ? t('directory.jitOn') : t('directory.jitOff')}
                {p.link_existing_users !== 'never' && (
                  <>
                    <br />
                    <span className="meta">{t('directory.linkedOn')}</span>
                  </>
                )}
              </td>
              <td>
                {p.role_mappings.length === 0 ? (
                  t('directory.noRules')
                ) : (
                  <ul className="plain-list">
                    {p.role_mappings.map((r, i) => (
                      <li key={i}>{t('directory.ruleText', { claim: r.claim, value: r.value, role: r.role })}</li>
                    ))}
                  </ul>
                )}
              </td>
              <RowActions editLabel={t('directory.editLabel', { name: p.name })} deleteLabel={t('directory.deleteLabel', { name: p.name })} onEdit={() => onEdit(p)} onDelete={() => onDelete(p)} />
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
