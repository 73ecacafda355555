import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { formatMoment } from '../../components/moment';
import { ProblemView } from '../../components/problem-view';
import { ScrollTable } from '../../components/scroll-table';
import { useI18n } from '../../i18n/i18n';
import type { Webhook } from './webhook-types';

/** A subscription's newest deliveries: state, attempts, and the last answer's status or error code. */
export function WebhookDeliveries({ webhook, onClose }: { webhook: Webhook; onClose(): void }) {
  const { t, locale } = useI18n();
  const { api, where } = useConsole();
  const path = { tenant: where.slug, webhookId: webhook.id };
  const deliveries = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/webhooks/{webhookId}/deliveries', { params: { path } })), [where.slug, webhook.id]);
  const title = t('webhooks.deliveriesLabel', { url: webhook.url });
  const items = deliveries.data?.items ?? [];
  return (
    <section className="panel panel-wide" aria-label={title}>
      <h2>{title}</h2>
      <ProblemView problem={deliveries.problem} />
      {deliveries.data && items.length === 0 && <p>{t('webhooks.noDeliveries')}</p>}
      {items.length > 0 && (
        <ScrollTable label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('webhooks.eventType')}</th>
                <th scope="col">{t('webhooks.state')}</th>
                <th scope="col">{t('webhooks.attempts')}</th>
                <th scope="col">{t('webhooks.lastAnswer')}</th>
                <th scope="col">{t('webhooks.when')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    <code>{d.event_type}</code>
                  </th>
                  <td>{t(`webhooks.state.${d.state}`)}</td>
                  <td>{d.attempts}</td>
                  <td>{[d.last_status, d.last_error].filter((x) => x !== null).join(' ')}</td>
                  <td>{formatMoment(d.sent_at ?? d.next_attempt_at ?? d.created_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
      <button type="button" className="btn btn-secondary" onClick={onClose}>
        {t('common.close')}
      </button>
    </section>
  );
}
