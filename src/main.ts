import { createServer } from 'node:http';
import { join } from 'node:path';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { loadOrCreateDevMasterKey } from './crypto/dev-master-key.js';
import { MasterKey } from './crypto/master-key.js';
import { connectDatabase } from './db/database.js';
import { startLocalDatabase, type LocalDatabase } from './db/local-database.js';
import { createLogger } from './observability/logger.js';
import { startExpiredEntriesSweeper } from './oidc/expired-entries.sweeper.js';
import { issuerFor } from './oidc/provider.factory.js';
import { projectRoot } from './project-root.js';
import { seedDemo } from './seed/demo.seed.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const root = projectRoot();
  const dataDir = join(root, config.dataDir);

  let local: LocalDatabase | undefined;
  if (!config.mongodbUri) {
    logger.info('MONGODB_URI is not set: starting a local database under %s', join(dataDir, 'db'));
    local = await startLocalDatabase({ dataDir: join(dataDir, 'db'), toolsDir: join(root, '.tools'), log: (m) => logger.info(m) });
  }
  const masterKey = new MasterKey(config.masterKey ?? (await loadOrCreateDevMasterKey(join(dataDir, 'master.key'))));
  const db = await connectDatabase(config.mongodbUri ?? local!.uri);
  logger.info({ server: db.capabilities.server, version: db.capabilities.version }, 'database connected');

  const { app, services } = createApp({ config, db, masterKey, logger });
  if (config.seedDemo) {
    const seeded = await seedDemo(services, config.demo);
    if (seeded.created) logger.info({ tenant: seeded.tenantSlug }, 'demo tenant seeded');
  }
  const stopSweeper = db.capabilities.ttlIndexes ? () => {} : startExpiredEntriesSweeper(db.models.oidcEntries, logger);

  const server = createServer(app.callback());
  server.listen(config.port, config.host);
  await new Promise((resolve) => server.once('listening', resolve));
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
    await db.close();
    await local?.stop();
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
    if (c.seedDemo) {
      const issuer = issuerFor(c.publicUrl, c.demo.tenant);
      lines.push(
        `  demo issuer:    ${issuer}`,
        `  discovery:      ${issuer}/.well-known/openid-configuration`,
        `  demo client:    ${c.demo.clientId} / ${c.demo.clientSecret}  (redirect ${c.demo.redirectUri})`,
        `  demo user:      ${c.demo.userEmail} / ${c.demo.userPassword}`,
      );
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.exit(1);
});
