import { formatMoment } from '../../components/moment';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import type { Webhook } from './webhook-types';

interface WebhookTableProps {
  webhooks: readonly Webhook[];
  onDeliveries(webhook: Webhook): void;
  onRemove(webhook: Webhook): void;
}

/** The tenant's subscriptions: where events go, which ones, and whether they carry names and email addresses. */
export function WebhookTable({ webhooks, onDeliveries, onRemove }: WebhookTableProps) {
  const { t, locale } = useI18n();
  if (webhooks.length === 0) return <p>{t('webhooks.empty')}</p>;
  return (
    <ScrollTable label={t('webhooks.listTitle')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('webhooks.url')}</th>
            <th scope="col">{t('webhooks.eventTypes')}</th>
            <th scope="col">{t('webhooks.personalColumn')}</th>
            <th scope="col">{t('webhooks.subscribedAt')}</th>
            <th scope="col">{t('webhooks.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {webhooks.map((w) => (
            <tr key={w.id}>
              <th scope="row">
                <code>{w.url}</code>
              </th>
              <td>{w.event_types.join(', ')}</td>
              <td>{w.include_personal_data ? t('webhooks.personalYes') : t('webhooks.personalNo')}</td>
              <td>{formatMoment(w.created_at, locale)}</td>
              <td>
                <div className="row-actions">
                  <button type="button" className="btn btn-secondary" onClick={() => onDeliveries(w)} aria-label={t('webhooks.deliveriesLabel', { url: w.url })}>
                    {t('webhooks.deliveries')}
                  </button>
                  <button type="button" className="btn btn-danger" onClick={() => onRemove(w)} aria-label={t('webhooks.removeLabel', { url: w.url })}>
                    {t('webhooks.remove')}
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}
