import { z } from 'zod';

/**
 * All configuration, parsed and validated once at start. Nothing below src/ reads process.env: the parsed
 * Config is passed in, so tests build the app with their own database, mail server and keys.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  /** Base of every issuer: PUBLIC_URL/t/<slug>. No trailing slash, no query. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRUST_PROXY: bool.default(false),
  /** Bearer token a scraper sends for /metrics; unset: /metrics answers loopback requests only. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** Unset: a local MongoDB-compatible server is started under DATA_DIR (development only). */
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /**
   * How long an operation waits for a reachable database server (and a new connection for its handshake)
   * before it fails as unavailable (503). The driver's default, 30 s, holds every request that long.
   */
  DB_SERVER_SELECTION_TIMEOUT_MS: int(100, 120_000).default(5000),
  /**
   * How long an operation sent to the server waits for its reply. A frozen server keeps its connections open
   * and never answers: without this bound, a request waits until the driver's monitor gives up (35–55 s).
   */
  DB_SOCKET_TIMEOUT_MS: int(100, 600_000).default(10_000),
  /** Where `backup create` writes and `backup restore` and `backup prune` look; default DATA_DIR/backups. */
  BACKUP_DIR: z.string().min(1).optional(),
  /** Hours between the scheduled backups of every tenant (0: none, backups are taken from cron instead). */
  BACKUP_INTERVAL_HOURS: int(0, 8760).default(24),
  /** Days a backup is kept before the scheduled backup (or `backup prune`) removes it. */
  BACKUP_KEEP_DAYS: int(1, 3650).default(35),
  /** Minutes between checkpoints of every tenant's change log beside the backups (0: only at backups and exports). */
  CHANGE_LOG_CHECKPOINT_MINUTES: int(0, 10080).default(60),
  /**
   * Days a terminated tenant's export waits in the backup folder for its handover before it is deleted. The
   * DPA (10.1, 10.3) promises that every copy is destroyed, within four weeks of the request at most.
   */
  TERMINATION_EXPORT_KEEP_DAYS: int(1, 28).default(28),
  /** 32 bytes, base64. Wraps every tenant's data key and private signing keys; never stored in the database. */
  IDP_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64')
    .optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Doorway <no-reply@localhost>'),
  /** A PEM file of certificate authorities to trust for SMTP's TLS, besides the system's (a private relay). */
  SMTP_TLS_CA: z.string().min(1).optional(),
  /** Delivery attempts of one mail before it is given up as failed. */
  MAIL_MAX_ATTEMPTS: int(1, 100).default(8),
  /** Delay before the first retry; it doubles with each failed attempt, up to MAIL_RETRY_MAX_MS. */
  MAIL_RETRY_BASE_MS: int(10, 3_600_000).default(30_000),
  MAIL_RETRY_MAX_MS: int(10, 86_400_000).default(3_600_000),
  /** How often an idle mail worker looks for due mail (mail queued by its own process wakes it at once). */
  OUTBOX_POLL_MS: int(10, 600_000).default(2000),
  /**
   * How long a worker holds a mail it took: longer than an SMTP exchange may last (its timeouts add up to 90 s),
   * and how long a mail waits for another worker when the one holding it died.
   */
  OUTBOX_LEASE_MS: int(1000, 3_600_000).default(120_000),
  /**
   * Local mode for webhooks: http:// URLs and loopback or private addresses allowed (a receiver on this
   * machine). Refused in production, where every target must be https on a public address.
   */
  WEBHOOKS_ALLOW_PRIVATE_URLS: bool.default(false),
  /** Delivery attempts of one webhook before it is given up as `delivery_failed`. */
  WEBHOOK_MAX_ATTEMPTS: int(1, 100).default(8),
  /** Delay before a webhook's first retry; it doubles with each failed attempt, up to WEBHOOK_RETRY_MAX_MS. */
  WEBHOOK_RETRY_BASE_MS: int(10, 3_600_000).default(30_000),
  WEBHOOK_RETRY_MAX_MS: int(10, 86_400_000).default(3_600_000),
  /** Days a finished delivery (sent or delivery_failed) stays in the delivery history. */
  WEBHOOK_HISTORY_DAYS: int(1, 3650).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // OWASP's argon2id baseline: m=19 MiB, t=2, p=1.
  ARGON2_MEMORY_KIB: int(8192, 1048576).default(19456),
  ARGON2_TIME_COST: int(1, 20).default(2),
  ARGON2_PARALLELISM: int(1, 16).default(1),
  TENANT_CACHE_SIZE: int(1, 100000).default(1000),
  /** How long a process trusts its copy of a tenant's configVersion before reading it again. */
  TENANT_REFRESH_MS: int(0, 60000).default(2000),
  SHUTDOWN_GRACE_MS: int(0, 120000).default(10000),
  /** How long an idle keep-alive connection stays open: longer than a load balancer's idle timeout (AWS ALB: 60 s). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1000, 3_600_000).default(65_000),
  /** How often a process looks for due scheduled jobs (anonymization, retention); 0: this process runs none. */
  SCHEDULER_INTERVAL_MS: int(0, 86_400_000).default(60_000),
  /** Run pending migrations at start (one process at a time, under a lock); false: refuse to start until `migrate up` ran. */
  MIGRATE_ON_START: bool.default(true),
  /** Failed sign-ins from one IP address per window, across tenants; generous, as offices share one address. */
  SIGNIN_FAILURES_PER_IP: int(1, 1_000_000).default(100),
  SIGNIN_FAILURES_WINDOW_S: int(1, 86_400).default(900),
  /** Token requests per window, per authenticated client and per IP (an app's backend refreshes for everyone). */
  TOKEN_REQUESTS_PER_CLIENT: int(1, 1_000_000).default(600),
  TOKEN_REQUESTS_PER_IP: int(1, 1_000_000).default(1200),
  TOKEN_REQUESTS_WINDOW_S: int(1, 86_400).default(60),
  /** Authorization requests per IP and window: each is stored for an hour before anyone signs in. */
  AUTHORIZATION_REQUESTS_PER_IP: int(1, 1_000_000).default(600),
  AUTHORIZATION_REQUESTS_WINDOW_S: int(1, 86_400).default(60),
  SEED_DEMO: bool.optional(),
  DEMO_TENANT: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/).default('demo'),
  DEMO_CLIENT_ID: z.string().min(1).default('demo-app'),
  DEMO_CLIENT_SECRET: z.string().min(8).default('demo-app-secret'),
  DEMO_REDIRECT_URI: z.url().default('http://localhost:8080/callback'),
  DEMO_POST_LOGOUT_REDIRECT_URI: z.url().default('http://localhost:8080/'),
  DEMO_USER_EMAIL: z.email().default('alice@demo.test'),
  DEMO_USER_PASSWORD: z.string().min(8).default('Correct-Horse-Battery-9'),
  DEMO_ADMIN_EMAIL: z.email().default('admin@demo.test'),
  DEMO_ADMIN_PASSWORD: z.string().min(8).default('Correct-Horse-Battery-9'),
  DEMO_RESOURCE: z.string().min(1).default('urn:demo:locks'),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  publicUrl: string;
  trustProxy: boolean;
  /** Required of /metrics callers as a Bearer token; undefined: only loopback callers, not through a proxy. */
  metricsToken: string | undefined;
  mongodbUri: string | undefined;
  dataDir: string;
  database: DatabaseTimeouts;
  /** Relative paths are taken from the project root, like dataDir. */
  backupDir: string;
  backupIntervalHours: number;
  backupKeepDays: number;
  changeLogCheckpointMinutes: number;
  terminationExportKeepDays: number;
  masterKey: Buffer | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  smtpTlsCa: string | undefined;
  mailMaxAttempts: number;
  mailRetryBaseMs: number;
  mailRetryMaxMs: number;
  outboxPollMs: number;
  outboxLeaseMs: number;
  /** No SMTP_URL outside production: mail is captured locally and readable at /dev/mailbox. */
  localMailbox: boolean;
  /** Webhook delivery (src/webhooks); `allowPrivateUrls` is local mode, never on in production. */
  webhooks: { allowPrivateUrls: boolean; maxAttempts: number; retryBaseMs: number; retryMaxMs: number; historyDays: number };
  logLevel: Env['LOG_LEVEL'];
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  tenantCacheSize: number;
  tenantRefreshMs: number;
  shutdownGraceMs: number;
  keepAliveTimeoutMs: number;
  schedulerIntervalMs: number;
  migrateOnStart: boolean;
  rateLimits: {
    signInFailuresPerIp: { points: number; durationSeconds: number };
    tokenPerClient: { points: number; durationSeconds: number };
    tokenPerIp: { points: number; durationSeconds: number };
    authorizationPerIp: { points: number; durationSeconds: number };
  };
  seedDemo: boolean;
  demo: {
    tenant: string;
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    postLogoutRedirectUri: string;
    userEmail: string;
    userPassword: string;
    /** The demo tenant's tenant_admin, who signs in to its console. */
    adminEmail: string;
    adminPassword: string;
    resource: string;
  };
}

/** Bounds on every database operation, so that an unreachable or frozen server fails requests, not holds them. */
export interface DatabaseTimeouts {
  serverSelectionTimeoutMs: number;
  socketTimeoutMs: number;
}

/** The defaults of DB_SERVER_SELECTION_TIMEOUT_MS and DB_SOCKET_TIMEOUT_MS, for connections made outside the server (specs, benchmarks). */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { serverSelectionTimeoutMs: 5000, socketTimeoutMs: 10_000 };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in most twelve-factor tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.IDP_MASTER_KEY) problems.push('IDP_MASTER_KEY: required in production');
  if (e.NODE_ENV === 'production' && !e.MONGODB_URI) problems.push('MONGODB_URI: required in production');
  if (e.NODE_ENV === 'production' && e.WEBHOOKS_ALLOW_PRIVATE_URLS) problems.push('WEBHOOKS_ALLOW_PRIVATE_URLS: not allowed in production');
  if (e.WEBHOOK_RETRY_MAX_MS < e.WEBHOOK_RETRY_BASE_MS) problems.push('WEBHOOK_RETRY_MAX_MS: must not be below WEBHOOK_RETRY_BASE_MS');
  if (e.MAIL_RETRY_MAX_MS < e.MAIL_RETRY_BASE_MS) problems.push('MAIL_RETRY_MAX_MS: must not be below MAIL_RETRY_BASE_MS');
  if (problems.length) throw new ConfigError(problems);

  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    mongodbUri: e.MONGODB_URI,
    dataDir: e.DATA_DIR,
    database: { serverSelectionTimeoutMs: e.DB_SERVER_SELECTION_TIMEOUT_MS, socketTimeoutMs: e.DB_SOCKET_TIMEOUT_MS },
    backupDir: e.BACKUP_DIR ?? `${e.DATA_DIR}/backups`,
    backupIntervalHours: e.BACKUP_INTERVAL_HOURS,
    backupKeepDays: e.BACKUP_KEEP_DAYS,
    changeLogCheckpointMinutes: e.CHANGE_LOG_CHECKPOINT_MINUTES,
    terminationExportKeepDays: e.TERMINATION_EXPORT_KEEP_DAYS,
    masterKey: e.IDP_MASTER_KEY ? Buffer.from(e.IDP_MASTER_KEY, 'base64') : undefined,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    smtpTlsCa: e.SMTP_TLS_CA,
    mailMaxAttempts: e.MAIL_MAX_ATTEMPTS,
    mailRetryBaseMs: e.MAIL_RETRY_BASE_MS,
    mailRetryMaxMs: e.MAIL_RETRY_MAX_MS,
    outboxPollMs: e.OUTBOX_POLL_MS,
    outboxLeaseMs: e.OUTBOX_LEASE_MS,
    localMailbox: !e.SMTP_URL && e.NODE_ENV !== 'production',
    webhooks: {
      allowPrivateUrls: e.WEBHOOKS_ALLOW_PRIVATE_URLS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      historyDays: e.WEBHOOK_HISTORY_DAYS,
    },
    logLevel: e.LOG_LEVEL,
    argon2: { memoryCost: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST, parallelism: e.ARGON2_PARALLELISM },
    tenantCacheSize: e.TENANT_CACHE_SIZE,
    tenantRefreshMs: e.TENANT_REFRESH_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_MS,
    migrateOnStart: e.MIGRATE_ON_START,
    rateLimits: {
      signInFailuresPerIp: { points: e.SIGNIN_FAILURES_PER_IP, durationSeconds: e.SIGNIN_FAILURES_WINDOW_S },
      tokenPerClient: { points: e.TOKEN_REQUESTS_PER_CLIENT, durationSeconds: e.TOKEN_REQUESTS_WINDOW_S },
      tokenPerIp: { points: e.TOKEN_REQUESTS_PER_IP, durationSeconds: e.TOKEN_REQUESTS_WINDOW_S },
      authorizationPerIp: { points: e.AUTHORIZATION_REQUESTS_PER_IP, durationSeconds: e.AUTHORIZATION_REQUESTS_WINDOW_S },
    },
    // The demo tenant exists only on a developer's local database, never on a configured one.
    seedDemo: e.SEED_DEMO ?? (!e.MONGODB_URI && e.NODE_ENV !== 'production'),
    demo: {
      tenant: e.DEMO_TENANT,
      clientId: e.DEMO_CLIENT_ID,
      clientSecret: e.DEMO_CLIENT_SECRET,
      redirectUri: e.DEMO_REDIRECT_URI,
      postLogoutRedirectUri: e.DEMO_POST_LOGOUT_REDIRECT_URI,
      userEmail: e.DEMO_USER_EMAIL,
      userPassword: e.DEMO_USER_PASSWORD,
      adminEmail: e.DEMO_ADMIN_EMAIL,
      adminPassword: e.DEMO_ADMIN_PASSWORD,
      resource: e.DEMO_RESOURCE,
    },
  };
}

/**
 * The process environment, read here and only here; entry points (the server, the CLI) pass it to
 * loadConfig, and nothing below them sees it.
 */
export function processEnvironment(): Record<string, string | undefined> {
  return process.env;
}
