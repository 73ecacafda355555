import type { paths } from '../../api/schema';
import { useI18n } from '../../i18n/i18n';

/** A signing key as the API lists it (src/admin-api/routes/keys.routes.ts): dates and status, never key material. */
export type SigningKey = paths['/tenants/{tenant}/keys']['get']['responses'][200]['content']['application/json']['items'][number];

export function KeyTable({ keys }: { keys: readonly SigningKey[] }) {
  const { t, locale } = useI18n();
  const when = (at: string | null) => (at ? new Date(at).toLocaleString(locale) : '–');
  if (keys.length === 0) return <p>{t('platformKeys.empty')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('platformKeys.kid')}</th>
            <th scope="col">{t('platformKeys.alg')}</th>
            <th scope="col">{t('platformKeys.status')}</th>
            <th scope="col">{t('platformKeys.activatedAt')}</th>
            <th scope="col">{t('platformKeys.retiredAt')}</th>
            <th scope="col">{t('platformKeys.expiresAt')}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.kid}>
              <th scope="row">
                <code>{key.kid}</code>
              </th>
              <td>{key.alg}</td>
              <td>{t(`platformKeys.status.${key.status}`)}</td>
              <td>{when(key.activated_at)}</td>
              <td>{when(key.retired_at)}</td>
              <td>{when(key.expires_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
