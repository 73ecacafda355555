import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { WebhookService } from './webhook.service.js';
import { WebhookWorker } from './webhook.worker.js';

/** Starts this process's webhook worker; any number of processes may run one (claims are per attempt). */
export function startWebhookWorker(deps: { config: Config; db: Database; webhooks: WebhookService; logger: Logger }): WebhookWorker {
  const { config, db, logger } = deps;
  const worker = new WebhookWorker({
    deliveries: db.models.webhookOutbox,
    subscriptions: db.models.webhookSubscriptions,
    webhooks: deps.webhooks,
    policy: { allowPrivate: config.webhooks.allowPrivateUrls },
    logger,
    maxAttempts: config.webhooks.maxAttempts,
    retryBaseMs: config.webhooks.retryBaseMs,
    retryMaxMs: config.webhooks.retryMaxMs,
    pollMs: config.outboxPollMs,
    leaseMs: config.outboxLeaseMs,
    historyDays: config.webhooks.historyDays,
  });
  worker.start();
  return worker;
}
