import '../components/form-controls.css';
import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction, useApiQuery } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { OneTimeSecret } from '../components/one-time-secret';
import { ProblemView } from '../components/problem-view';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { WebhookCreateForm, type Subscribed } from './webhooks/webhook-create-form';
import { WebhookDeliveries } from './webhooks/webhook-deliveries';
import { WebhookTable } from './webhooks/webhook-table';
import type { Webhook } from './webhooks/webhook-types';

/**
 * The tenant's webhook subscriptions (src/admin-api/routes/webhooks.routes.ts), a tenant admin's: subscribing a
 * URL (its signing secret is shown once), the delivery history of each, and removing one with its deliveries.
 */
export function WebhooksPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const webhooks = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/webhooks', { params: { path: { tenant } } })), [tenant]);
  const removal = useApiAction();
  const [subscribed, setSubscribed] = useState<Subscribed>();
  const [viewing, setViewing] = useState<Webhook>();
  const [removing, setRemoving] = useState<Webhook>();
  const [notice, setNotice] = useState<string>();

  const created = (done: Subscribed) => {
    setNotice(t('webhooks.created', { url: done.url }));
    setSubscribed(done);
    webhooks.reload();
  };
  const confirmRemove = async (webhook: Webhook) => {
    const path = { tenant, webhookId: webhook.id };
    const done = await removal.run(() => unwrap(api.DELETE('/tenants/{tenant}/webhooks/{webhookId}', { params: { path } })));
    if (!done) return;
    setRemoving(undefined);
    if (viewing?.id === webhook.id) setViewing(undefined);
    setNotice(t('webhooks.removed', { url: webhook.url }));
    webhooks.reload();
  };

  return (
    <>
      <h1>{t('webhooks.title')}</h1>
      <p className="intro">{t('webhooks.intro')}</p>
      <Notice text={notice} />
      <WarningList warnings={subscribed?.warnings ?? []} />
      {subscribed && <OneTimeSecret title={t('webhooks.secretTitle', { url: subscribed.url })} secret={subscribed.secret} label={t('webhooks.secretLabel')} onDone={() => setSubscribed(undefined)} />}
      <WebhookCreateForm tenant={tenant} onCreated={created} />
      <h2>{t('webhooks.listTitle')}</h2>
      <ProblemView problem={webhooks.problem} />
      {webhooks.loading && !webhooks.data && <p>{t('app.loading')}</p>}
      {webhooks.data && <WebhookTable webhooks={webhooks.data.items} onDeliveries={setViewing} onRemove={setRemoving} />}
      {viewing && <WebhookDeliveries key={viewing.id} webhook={viewing} onClose={() => setViewing(undefined)} />}
      {removing && (
        <ConfirmDialog
          title={t('webhooks.removeTitle', { url: removing.url })}
          consequences={[t('webhooks.removeConsequence'), t('webhooks.removeFinal')]}
          confirmLabel={t('webhooks.remove')}
          danger
          busy={removal.busy}
          onConfirm={() => void confirmRemove(removing)}
          onCancel={() => (setRemoving(undefined), removal.clear())}
          problem={removal.problem}
        />
      )}
    </>
  );
}
