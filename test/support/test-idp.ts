import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type IdpApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import { connectDatabase, type Database } from '../../src/db/database.js';
import type { Logger } from 'pino';
import { createLogger } from '../../src/observability/logger.js';
import type { OutboxWorker } from '../../src/outbox/outbox.worker.js';
import { startOutboxWorker } from '../../src/outbox/start-worker.js';
import { startWebhookWorker } from '../../src/webhooks/start-webhook-worker.js';
import type { WebhookWorker } from '../../src/webhooks/webhook.worker.js';
import { connectTestDatabase, type TestDatabase } from './database.js';

export interface TestIdp extends IdpApp {
  baseUrl: string;
  server: Server;
  db: Database;
  config: Config;
  masterKey: MasterKey;
  testDatabase: TestDatabase;
  /** This instance's mail worker, when `mailWorker` was asked for. */
  mailWorker?: OutboxWorker;
  /** This instance's webhook worker, when `webhookWorker` was asked for. */
  webhookWorker?: WebhookWorker;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  /** Share a database (and master key) with another instance: two processes of one deployment. */
  database?: TestDatabase;
  masterKey?: Buffer;
  env?: Record<string, string>;
  logger?: Logger;
  /** Start a mail worker as main.ts does (SMTP_URL and the MAIL_* settings come in through `env`). */
  mailWorker?: boolean;
  /** Start a webhook worker as main.ts does. */
  webhookWorker?: boolean;
}

/**
 * A whole identity provider listening on a loopback port, on its own real database. Argon2 runs at its
 * minimum cost here: the tests exercise the flows, not the hash's strength.
 */
export async function startTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  const testDatabase = options.database ?? (await connectTestDatabase());
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  // Erasures journal their tombstones beside the backups: never into the project's own .data/backups.
  const scratch = options.env?.BACKUP_DIR ? undefined : await mkdtemp(join(tmpdir(), 'idp-test-backups-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: baseUrl,
    MONGODB_URI: testDatabase.uri,
    LOG_LEVEL: 'silent',
    ARGON2_MEMORY_KIB: '8192',
    ARGON2_TIME_COST: '1',
    TENANT_REFRESH_MS: '200',
    ...(scratch ? { BACKUP_DIR: scratch } : {}),
    ...options.env,
  });
  const masterKey = new MasterKey(options.masterKey ?? randomBytes(32));
  // Commands are reported so specs can count what a flow costs (test/support/db-commands.ts).
  const db = await connectDatabase(testDatabase.uri, { monitorCommands: true, timeouts: config.database });
  const logger = options.logger ?? createLogger(config.logLevel);
  const idp = createApp({ config, db, masterKey, logger });
  server.on('request', idp.app.callback());
  const mailWorker = options.mailWorker ? startOutboxWorker({ config, db, services: idp.services, logger }) : undefined;
  const webhookWorker = options.webhookWorker ? startWebhookWorker({ config, db, webhooks: idp.services.webhooks, logger }) : undefined;
  return {
    ...idp,
    baseUrl,
    server,
    db,
    config,
    masterKey,
    testDatabase,
    mailWorker,
    webhookWorker,
    async close() {
      await mailWorker?.stop();
      await webhookWorker?.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await db.close();
      if (!options.database) await testDatabase.drop();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * Two app instances on one database and master key, as two processes of a deployment behind one address:
 * what one writes or caches the other must see, within the bounds the configuration promises.
 */
export async function startTwoTestIdps(env: Record<string, string> = {}): Promise<[TestIdp, TestIdp]> {
  const masterKey = randomBytes(32);
  const one = await startTestIdp({ masterKey, env });
  const two = await startTestIdp({ masterKey, database: one.testDatabase, env: { ...env, PUBLIC_URL: one.baseUrl } });
  return [one, two];
}
