import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { transportFromConfig } from '../mail/local-mailbox.js';
import type { Services } from '../services.js';
import { OutboxWorker } from './outbox.worker.js';
import { tenantLookup } from './tenant-lookup.js';

/**
 * Starts this process's mail worker on the configured transport. In production without SMTP_URL there is
 * none: mail waits in the outbox, and the first process started with SMTP_URL delivers it.
 */
export function startOutboxWorker(deps: { config: Config; db: Database; services: Pick<Services, 'outbox' | 'tenantKeys'>; logger: Logger }): OutboxWorker | undefined {
  const { config, db, services, logger } = deps;
  const transport = transportFromConfig(config, logger);
  if (!transport) {
    logger.warn('SMTP_URL is not set: mail stays queued in the outbox until a process with SMTP_URL runs');
    return undefined;
  }
  const worker = new OutboxWorker({
    jobs: db.models.mailOutbox,
    tenants: tenantLookup(db.models.tenants, services.tenantKeys),
    outbox: services.outbox,
    transport,
    logger,
    from: config.mailFrom,
    maxAttempts: config.mailMaxAttempts,
    retryBaseMs: config.mailRetryBaseMs,
    retryMaxMs: config.mailRetryMaxMs,
    pollMs: config.outboxPollMs,
    leaseMs: config.outboxLeaseMs,
  });
  worker.start();
  return worker;
}
