import type { paths } from '../../api/schema';
import { formatMoment } from '../../components/moment';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';

type SigningKey = paths['/tenants/{tenant}/keys']['get']['responses'][200]['content']['application/json']['items'][number];

/** Key ids, algorithms, states and dates, as the API lists them (current first). */
export function KeyTable({ keys }: { keys: readonly SigningKey[] }) {
  const { t, locale } = useI18n();
  const time = (iso: string | null) => (iso ? <time dateTime={iso}>{formatMoment(iso, locale)}</time> : '–');
  return (
    <ScrollTable label={t('keys.title')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('keys.kid')}</th>
            <th scope="col">{t('keys.alg')}</th>
            <th scope="col">{t('keys.status')}</th>
            <th scope="col">{t('keys.created')}</th>
            <th scope="col">{t('keys.activated')}</th>
            <th scope="col">{t('keys.retired')}</th>
            <th scope="col">{t('keys.expires')}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.kid} data-status={k.status}>
              <th scope="row" className="kid">
                <code>{k.kid}</code>
              </th>
              <td>{k.alg}</td>
              <td>{t(`keys.status.${k.status}`)}</td>
              <td className="nowrap">{time(k.created_at)}</td>
              <td className="nowrap">{time(k.activated_at)}</td>
              <td className="nowrap">{time(k.retired_at)}</td>
              <td className="nowrap">{time(k.expires_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
