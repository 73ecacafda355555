import { createServer } from 'node:http';
import { createApp } from './app.js';
import { consoleUrl } from './clients/console-client.js';
import { runWithContext } from './audit/request-context.js';
import { ConfigError, loadConfig, processEnvironment } from './config.js';
import { HttpError } from './errors/http-errors.js';
import { migrateAtStart } from './migrations/migrate-at-start.js';
import { createLogger, serverLogDestination } from './observability/logger.js';
import { startExpiredEntriesSweeper } from './oidc/expired-entries.sweeper.js';
import { issuerFor } from './oidc/provider.factory.js';
import { startOutboxWorker } from './outbox/start-worker.js';
import { startWebhookWorker } from './webhooks/start-webhook-worker.js';
import { connectLikeServer } from './runtime/boot.js';
import { checkMasterKeyAtStart, MasterKeyMismatchError } from './runtime/master-key-check.js';
import { seedDemo } from './seed/demo.seed.js';
import { ensurePlatformTenant } from './tenants/platform.js';

async function main(): Promise<void> {
  const config = loadConfig(processEnvironment());
  const logDestination = serverLogDestination();
  const logger = createLogger(config.logLevel, logDestination);
  const runtime = await connectLikeServer(config, { log: (m) => logger.info(m) });
  const { db, masterKey } = runtime;
  logger.info({ server: db.capabilities.server, version: db.capabilities.version }, 'database connected');
  // Before anything reads a document: the code below knows only this release's shapes.
  await migrateAtStart(db, { migrate: config.migrateOnStart, log: (m) => logger.info(m) }).catch(async (err: unknown) => {
    await runtime.close();
    throw err;
  });

  const { app, services, scheduler, readiness } = createApp({ config, db, masterKey, logger });
  // Before anything is written or served: a process with the wrong master key must not start at all.
  try {
    await checkMasterKeyAtStart({
      db,
      masterKey,
      readiness,
      logger,
      onMismatch(err) {
        logger.fatal({ problem: err.message }, 'wrong master key: stopping');
        process.exit(1);
      },
    });
  } catch (err) {
    await runtime.close();
    throw err;
  }
  await runWithContext({ actor: { type: 'system', id: 'startup' } }, () => ensurePlatformTenant(services));
  if (config.seedDemo) {
    const seeded = await seedDemo(services, config.demo);
    if (seeded.created) logger.info({ tenant: seeded.tenantSlug }, 'demo tenant seeded');
  }
  const stopSweeper = db.capabilities.ttlIndexes ? () => {} : startExpiredEntriesSweeper(db.models.oidcEntries, logger);
  scheduler.start();
  // What this process learnt and could not write to the change log (the database was away) is written as soon
  // as it takes writes again; the scheduled job covers what no process learnt.
  const settleOwed = setInterval(() => void services.changeLog.settleOwed().catch(() => undefined), 15_000).unref();
  const mailWorker = startOutboxWorker({ config, db, services, logger });
  const webhookWorker = startWebhookWorker({ config, db, webhooks: services.webhooks, logger });

  // Idle connections are kept longer than a load balancer keeps its own: one that reuses a connection the server
  // has just closed answers its client 502 (AWS's Application Load Balancer keeps them 60 s, node:http 5 s). An
  // idle connection is not held to the headers timeout, which counts only once a request has begun.
  const server = createServer({ keepAliveTimeout: config.keepAliveTimeoutMs }, app.callback());
  server.listen(config.port, config.host);
  await new Promise((resolve) => server.once('listening', resolve));
  // The lines logged while starting (migrations, the database) come before the banner that says it is up.
  await new Promise<void>((resolve) => logDestination.flush(() => resolve()));
  printUrls(config);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Finish requests in flight, then refuse idle keep-alive connections; force-close after the grace period.
    const forced = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs).unref();
    await new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    clearTimeout(forced);
    stopSweeper();
    // Reset requests answered already are finished, so their mail is queued before the process goes.
    await services.passwordReset.settled();
    // A job in progress finishes and releases its lease, so another process need not wait for it to expire.
    await scheduler.stop();
    clearInterval(settleOwed);
    await services.changeLog.settleOwed().catch((err: unknown) => logger.error({ err }, 'change log: .failed entries still unwritten at shutdown'));
    // The mail in hand is finished and marked, so a restart never sends it a second time.
    await mailWorker?.stop();
    await webhookWorker.stop();
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  function printUrls(c: typeof config): void {
    const lines = [
      `Identity provider listening on http://${c.host}:${c.port} (public URL ${c.publicUrl})`,
      `  health:    ${c.publicUrl}/healthz   ready: ${c.publicUrl}/readyz   metrics: ${c.publicUrl}/metrics`,
    ];
    if (c.localMailbox) lines.push(`  mailbox:   ${c.publicUrl}/dev/mailbox   (no SMTP_URL: mail is kept here, links are logged)`);
    if (c.seedDemo) {
      const issuer = issuerFor(c.publicUrl, c.demo.tenant);
      lines.push(
        `  demo issuer:    ${issuer}`,
        `  discovery:      ${issuer}/.well-known/openid-configuration`,
        `  demo client:    ${c.demo.clientId} / ${c.demo.clientSecret}  (redirect ${c.demo.redirectUri})`,
        `  demo user:      ${c.demo.userEmail} / ${c.demo.userPassword}`,
        `  demo admin:     ${c.demo.adminEmail} / ${c.demo.adminPassword}  (tenant_admin)`,
        `  demo console:   ${consoleUrl(c.publicUrl, c.demo.tenant)}`,
      );
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
}

main().catch((err) => {
  // A refused configuration or database (newer schema, pending migrations) is told as it is, without a stack.
  if (err instanceof ConfigError || err instanceof HttpError) {
    process.stderr.write(`${err.message}\n`);
  } else if (err instanceof MasterKeyMismatchError) {
    process.stderr.write(`Refusing to start: ${err.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.exit(1);
});
