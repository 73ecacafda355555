import type { Collection } from 'mongodb';
import type { Logger } from 'pino';
import { SingleUse } from '../account/single-use.js';
import { classifyFailure, type DeliveryFailure, type MailTransport } from '../mail/mail-transport.js';
import type { OutboxJobDoc, OutboxJobModel } from './outbox.model.js';
import { OutboxClaims } from './outbox-claims.js';
import { PollingWorker } from './polling-worker.js';
import type { OutboxService } from './outbox.service.js';
import type { TenantLookup } from './tenant-lookup.js';

export interface OutboxWorkerOptions {
  jobs: OutboxJobModel;
  tenants: TenantLookup;
  outbox: OutboxService;
  transport: MailTransport;
  logger: Logger;
  /** The From header (MAIL_FROM). */
  from: string;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollMs: number;
  /**
   * How long a claimed job is this worker's alone: longer than an SMTP exchange can take, and how long a mail
   * waits when its worker died holding it.
   */
  leaseMs: number;
}

/** Exponential backoff with a cap; ±20 % jitter keeps many failed mails from all retrying in the same instant. */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.min(maxMs, Math.round(exponential * (0.8 + 0.4 * random())));
}

/** The Message-ID's domain: the sender's, as RFC 5322 suggests. */
function messageIdDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
}

/**
 * Delivers the outbox. Several workers (processes) may run: each attempt is claimed by exactly one worker
 * (outbox-claims.ts), which leases the job and alone marks it sent, right after the SMTP server accepted it.
 * A failure before acceptance is retried with backoff; after `maxAttempts` the job is failed.
 * The one window left is a crash between acceptance and the mark: the lease then expires and the mail is sent
 * again with the same Message-ID, which receiving systems use to drop the copy.
 */
export class OutboxWorker extends PollingWorker<OutboxJobDoc> {
  private readonly domain: string;
  private readonly jobs: Collection<OutboxJobDoc>;
  private readonly claims: OutboxClaims;
  private readonly once: SingleUse;

  constructor(private readonly options: OutboxWorkerOptions) {
    super({ idPrefix: 'wrk', label: 'mail outbox', logger: options.logger, pollMs: options.pollMs });
    this.domain = messageIdDomain(options.from);
    // The driver's view of the outbox: claims and outcomes are cross-tenant (see outbox-claims.ts).
    this.jobs = options.jobs.collection as unknown as Collection<OutboxJobDoc>;
    this.once = SingleUse.on(options.jobs.db);
    this.claims = new OutboxClaims(this.jobs, this.once, this.id, options.leaseMs);
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.options.transport.close();
  }

  protected next(passed: Set<string>): Promise<OutboxJobDoc | null> {
    return this.claims.next(passed);
  }

  protected onQueued(wake: () => void): () => void {
    return this.options.outbox.onEnqueue(wake);
  }

  protected housekeeping(): Promise<unknown> {
    return this.once.sweep();
  }

  protected async deliver(job: OutboxJobDoc): Promise<void> {
    const { transport, logger } = this.options;
    const tenant = (await this.options.tenants([job.tenantId])).get(job.tenantId);
    const message = tenant?.wrappedDataKey && tenant.state !== 'terminated' ? this.options.outbox.open(tenant, job) : undefined;
    if (!message) return this.finish(job, { state: 'failed', lastError: 'NO_MESSAGE' });
    try {
      await transport.send({ ...message, messageId: `<${job._id}@${this.domain}>`, from: this.options.from });
    } catch (err) {
      const failure = classifyFailure(err);
      logger.warn({ job: job._id, tenantId: job.tenantId, kind: job.kind, attempt: job.attempts, error: failure.code }, 'mail delivery failed');
      return this.retryOrFail(job, failure);
    }
    // Sent mail keeps no copy of its link or address; the local mailbox keeps it to show it.
    await this.finish(job, { state: 'sent', sentAt: new Date(), deliveredVia: transport.via }, transport.via === 'smtp');
    logger.info({ job: job._id, tenantId: job.tenantId, kind: job.kind, via: transport.via }, 'mail delivered');
  }

  private retryOrFail(job: OutboxJobDoc, failure: DeliveryFailure): Promise<void> {
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.options;
    if (failure.permanent || job.attempts >= maxAttempts) return this.finish(job, { state: 'failed', lastError: failure.code });
    const nextAttemptAt = new Date(Date.now() + retryDelay(job.attempts, retryBaseMs, retryMaxMs));
    return this.finish(job, { state: 'queued', nextAttemptAt, lastError: failure.code }, false);
  }

  /**
   * Records an outcome, only while the job is still at this worker's attempt (whose key it owns; a lease that
   * ran out lets another worker move the job on). A sent mail's mark is retried, because losing it would be
   * the one way to send the mail twice.
   */
  private async finish(job: OutboxJobDoc, set: Partial<OutboxJobDoc>, dropMessage = set.state !== 'queued'): Promise<void> {
    const unset: Record<string, ''> = { lockedBy: '', lockedUntil: '', ...(dropMessage ? { message: '' } : {}) };
    const filter = { _id: job._id, attempts: job.attempts, state: 'sending' as const };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { matchedCount } = await this.jobs.updateOne(filter, { $set: { ...set, updatedAt: new Date() }, $unset: unset });
        if (!matchedCount) this.options.logger.warn({ job: job._id, worker: this.id }, 'mail outbox: lease lost before the outcome was recorded');
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}
