import type { Collection } from 'mongodb';
import type { Logger } from 'pino';
import { SingleUse } from '../account/single-use.js';
import { OutboxClaims } from '../outbox/outbox-claims.js';
import { PollingWorker } from '../outbox/polling-worker.js';
import { retryDelay } from '../outbox/outbox.worker.js';
import type { WebhookSubscriptionModel } from './webhook-subscription.model.js';
import type { WebhookDeliveryDoc, WebhookDeliveryModel } from './webhook-delivery.model.js';
import { postWebhook, type AttemptOutcome } from './webhook-delivery.js';
import { webhookHeaders } from './webhook-signature.js';
import type { WebhookService } from './webhook.service.js';
import type { TargetPolicy } from './webhook-target.js';

export interface WebhookWorkerOptions {
  deliveries: WebhookDeliveryModel;
  subscriptions: WebhookSubscriptionModel;
  webhooks: WebhookService;
  policy: TargetPolicy;
  logger: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollMs: number;
  /** Longer than one POST may take (its timeout is 10 s); how long a delivery waits when its worker died. */
  leaseMs: number;
  /** Days a finished delivery stays in the history; removed by whichever worker prunes first, hourly. */
  historyDays: number;
}

/**
 * Delivers webhook events from the outbox, as the mail worker delivers mail: each attempt claimed by exactly one
 * worker of however many processes run (outbox-claims.ts), retried with exponential backoff, and marked
 * `delivery_failed` after `maxAttempts`. At least once: a crash between the receiver's 2xx and the mark sends
 * the event again under the same webhook-id, which receivers use to drop the copy.
 */
export class WebhookWorker extends PollingWorker<WebhookDeliveryDoc> {
  private readonly jobs: Collection<WebhookDeliveryDoc>;
  private readonly claims: OutboxClaims<WebhookDeliveryDoc>;
  private readonly once: SingleUse;

  constructor(private readonly options: WebhookWorkerOptions) {
    super({ idPrefix: 'whw', label: 'webhook outbox', logger: options.logger, pollMs: options.pollMs });
    this.jobs = options.deliveries.collection as unknown as Collection<WebhookDeliveryDoc>;
    this.once = SingleUse.on(options.deliveries.db);
    this.claims = new OutboxClaims(this.jobs, this.once, this.id, options.leaseMs, 'webhook');
  }

  protected next(passed: Set<string>): Promise<WebhookDeliveryDoc | null> {
    return this.claims.next(passed);
  }

  protected onQueued(wake: () => void): () => void {
    return this.options.webhooks.onEmit(wake);
  }

  protected housekeeping(): Promise<unknown> {
    return this.prune();
  }


  /**
   * Removes finished deliveries older than the history keeps, across tenants (hence the driver), and the
   * attempts' keys that have served their purpose. Answers how many deliveries went.
   */
  async prune(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.options.historyDays * 86_400_000);
    const { deletedCount } = await this.jobs.deleteMany({ state: { $in: ['sent', 'delivery_failed'] }, updatedAt: { $lt: before } });
    await this.once.sweep();
    return deletedCount;
  }

  protected async deliver(job: WebhookDeliveryDoc): Promise<void> {
    const subscription = await this.options.subscriptions.findOne({ tenantId: job.tenantId, _id: job.subscriptionId }).lean();
    if (!subscription) return this.finish(job, { state: 'delivery_failed', lastError: 'NO_SUBSCRIPTION' });
    const body = await this.options.webhooks.bodyOf(job);
    if (body === undefined) return this.finish(job, { state: 'delivery_failed', lastError: 'NO_MESSAGE' });
    const headers = webhookHeaders(this.options.webhooks.secretOf(subscription), job._id, body, new Date());
    const outcome = await postWebhook({ url: subscription.url, headers, body }, this.options.policy);
    if (outcome.ok) return this.finish(job, { state: 'sent', sentAt: new Date(), lastStatus: outcome.status }, ['lastError']);
    this.options.logger.warn({ job: job._id, tenantId: job.tenantId, attempt: job.attempts, error: outcome.code }, 'webhook delivery failed');
    return this.retryOrFail(job, outcome);
  }

  private retryOrFail(job: WebhookDeliveryDoc, failure: Exclude<AttemptOutcome, { ok: true }>): Promise<void> {
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.options;
    const set = { lastError: failure.code, ...(failure.status ? { lastStatus: failure.status } : {}) };
    if (failure.permanent || job.attempts >= maxAttempts) return this.finish(job, { state: 'delivery_failed', ...set });
    return this.finish(job, { state: 'queued', nextAttemptAt: new Date(Date.now() + retryDelay(job.attempts, retryBaseMs, retryMaxMs)), ...set });
  }

  /** Records an outcome, only while the job is still at this worker's attempt (see OutboxWorker.finish). */
  private async finish(job: WebhookDeliveryDoc, set: Partial<WebhookDeliveryDoc>, clear: string[] = []): Promise<void> {
    const unset = Object.fromEntries(['lockedBy', 'lockedUntil', ...clear].map((k) => [k, ''] as const));
    const filter = { _id: job._id, attempts: job.attempts, state: 'sending' as const };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { matchedCount } = await this.jobs.updateOne(filter, { $set: { ...set, updatedAt: new Date() }, $unset: unset });
        if (!matchedCount) this.options.logger.warn({ job: job._id, worker: this.id }, 'webhook outbox: lease lost before the outcome was recorded');
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}
