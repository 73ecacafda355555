import Router from '@koa/router';
import Koa from 'koa';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { MasterKey } from './crypto/master-key.js';
import type { Database } from './db/database.js';
import { ADMIN_API_PREFIX, adminApiRouter, adminAudience } from './admin-api/admin-api.js';
import { adminRoutes } from './admin-api/routes/index.js';
import { accessApiRouter } from './access/access-api.router.js';
import { accountPagesRouter } from './account/account-pages.router.js';
import { passwordChangeRouter } from './account/password-change.router.js';
import { sessionsRouter } from './account/sessions.router.js';
import { invitationPagesRouter } from './invitations/invitation-pages.router.js';
import { brandingRouter } from './tenants/branding.router.js';
import { scimRouter } from './scim/scim.router.js';
import { mailboxRouter } from './mail/mailbox.router.js';
import { tenantLookup } from './outbox/tenant-lookup.js';
import { consoleRouter } from './console/console.router.js';
import { errorMiddleware } from './errors/error.middleware.js';
import { NotFoundError } from './errors/http-errors.js';
import { securityHeaders } from './http/security-headers.middleware.js';
import { healthRouter } from './observability/health.router.js';
import { httpObserver } from './observability/http-observer.middleware.js';
import { AppMetrics } from './observability/metrics.js';
import { Readiness } from './observability/readiness.js';
import { createScheduler } from './jobs/jobs.js';
import type { Scheduler } from './jobs/scheduler.js';
import { federationRouter, homeRealm, upstreamButtons } from './federation/federation.router.js';
import { interactionsRouter } from './oidc/interactions.router.js';
import { LoginFlow } from './oidc/login-flow.js';
import { postedRequestsRouter } from './oidc/posted-requests.router.js';
import { accountMfaRouter } from './mfa/account-mfa.router.js';
import { mfaSignInRouter } from './mfa/mfa-sign-in.router.js';
import { mfaEnrolStep, mfaStep } from './mfa/mfa-steps.js';
import { PasskeyLogin } from './mfa/passkey-login.js';
import { cookieKeys } from './oidc/provider.factory.js';
import { projectRoot } from './project-root.js';
import { changePasswordRouter, changePasswordStep } from './security/change-password.step.js';
import { Csrf } from './security/csrf.js';
import { SignInGuard } from './security/sign-in-guard.js';
import { tokenRateLimit } from './security/token-rate-limit.middleware.js';
import { authorizationRequestLimits } from './oidc/authorization-request-limits.middleware.js';
import { refuseIdentityScopesForClients } from './security/client-credentials-scope.middleware.js';
import { refuseTokensWhileSuspended } from './tenants/suspended-tenant.middleware.js';
import { createServices, type Services } from './services.js';
import { TenantPool } from './tenants/tenant-pool.js';
import { buildTenantRuntime, type TenantRuntime } from './tenants/tenant-runtime.js';
import { tenantMiddleware } from './tenants/tenant.middleware.js';
import { createViewRenderer } from './views/view-renderer.js';
import { SignInEvents } from './webhooks/sign-in-events.js';

export interface AppDeps {
  config: Config;
  db: Database;
  masterKey: MasterKey;
  logger: Logger;
  metrics?: AppMetrics;
}

export interface IdpApp {
  app: Koa;
  services: Services;
  pool: TenantPool<TenantRuntime>;
  metrics: AppMetrics;
  /** Scheduled jobs (anonymization, retention); main.ts starts it, tests run its jobs one at a time. */
  scheduler: Scheduler;
  /** What /readyz answers; main.ts holds it back until the start-up checks have passed. */
  readiness: Readiness;
}

/** The whole HTTP surface, built from explicit dependencies so tests bring their own database and keys. */
export function createApp({ config, db, masterKey, logger, metrics = new AppMetrics() }: AppDeps): IdpApp {
  const services = createServices(db, masterKey, config, logger);
  const views = createViewRenderer({ viewsDir: join(projectRoot(), 'views') });
  const pool = new TenantPool<TenantRuntime>({
    max: config.tenantCacheSize,
    refreshMs: config.tenantRefreshMs,
    loadTenant: (slug) => services.tenants.findBySlug(slug),
    configVersion: (slug) => services.tenants.configVersion(slug),
    build: (tenant) =>
      buildTenantRuntime(tenant, {
        publicUrl: config.publicUrl,
        adminAudience: adminAudience(config.publicUrl),
        trustProxy: config.trustProxy,
        masterKey,
        oidcEntries: db.models.oidcEntries,
        users: services.users,
        doorPermissions: services.doorPermissions,
        clients: services.clients,
        signingKeys: services.signingKeys,
        views,
        metrics,
        logger,
      }),
  });

  const tenantRouter = new Router({ prefix: '/t/:slug' });
  // In front of oidc-provider's token endpoint: it runs before the provider reads the request.
  tenantRouter.post(
    '/token',
    refuseTokensWhileSuspended,
    tokenRateLimit(services.rateLimits, { perClient: config.rateLimits.tokenPerClient, perIp: config.rateLimits.tokenPerIp }),
    refuseIdentityScopesForClients,
  );
  tenantRouter.get('/auth', authorizationRequestLimits(services.rateLimits, views, { perIp: config.rateLimits.authorizationPerIp }));
  postedRequestsRouter(tenantRouter);
  const csrf = new Csrf(masterKey.derive('csrf'), views);
  const guard = new SignInGuard(services.lockout, services.rateLimits, services.users, services.keyring, { failuresPerIp: config.rateLimits.signInFailuresPerIp });
  const mfaSteps = { enrol: mfaEnrolStep(services.mfa), verify: mfaStep(services.mfa) };
  const loginFlow = new LoginFlow([mfaSteps.enrol, mfaSteps.verify, changePasswordStep], db.models.pendingLogins, services.users);
  const signInEvents = new SignInEvents(services.webhooks, logger);
  loginFlow.onSignedIn = (tenantId, userId, amr) => signInEvents.succeeded(tenantId, userId, amr);
  const passkeyLogin = new PasskeyLogin(services.mfa, services.users, config.publicUrl, masterKey.derive('passkey-login-challenge'));
  const upstreams = (runtime: TenantRuntime, uid: string) => upstreamButtons(services.upstreamIdps, runtime, uid);
  const homeRealmOf = (runtime: TenantRuntime, uid: string, email: string, passwordTyped: boolean) => homeRealm(services.upstreamIdps, runtime, uid, email, passwordTyped);
  interactionsRouter(tenantRouter, { users: services.users, views, metrics, loginFlow, passkeyLogin, csrf, guard, signInEvents, upstreams, homeRealm: homeRealmOf });
  federationRouter(tenantRouter, { federatedLogin: services.federatedLogin, loginFlow, views, publicUrl: config.publicUrl });
  mfaSignInRouter(tenantRouter, { mfa: services.mfa, loginFlow, views, publicUrl: config.publicUrl, steps: mfaSteps, csrf });
  accountMfaRouter(tenantRouter, { mfa: services.mfa, users: services.users, views, publicUrl: config.publicUrl, csrf });
  changePasswordRouter(tenantRouter, { users: services.users, views, loginFlow, csrf });
  sessionsRouter(tenantRouter, { sessions: services.sessions, users: services.users, views, csrf });
  passwordChangeRouter(tenantRouter, { sessions: services.sessions, users: services.users, views, csrf, guard });

  scimRouter(tenantRouter, { publicUrl: config.publicUrl, audience: adminAudience(config.publicUrl), pool, services });
  brandingRouter(tenantRouter, { logos: services.tenantLogos });
  invitationPagesRouter(tenantRouter, { acceptance: services.invitationAcceptance, views, csrf });
  accountPagesRouter(tenantRouter, { passwordReset: services.passwordReset, emailVerification: services.emailVerification, views, csrf, logger });
  accessApiRouter(tenantRouter, {
    publicUrl: config.publicUrl,
    locks: services.locks,
    decisions: services.accessDecisions,
    devices: services.devices,
    doorKeys: services.doorKeys,
    revocations: services.revocations,
    proofReplays: services.proofReplays,
    eventIngest: services.accessEventIngest,
  });
  consoleRouter(tenantRouter, { dir: join(projectRoot(), 'dist', 'console') });

  const root = new Router();
  const readiness = new Readiness(() => db.connection.db!);
  healthRouter(root, { readiness, metrics, metricsToken: config.metricsToken });
  if (config.localMailbox) mailboxRouter(root, { jobs: db.models.mailOutbox, tenants: tenantLookup(db.models.tenants, services.tenantKeys), outbox: services.outbox, views });
  const admin = adminApiRouter(adminRoutes(services, config), {
    publicUrl: config.publicUrl,
    audience: adminAudience(config.publicUrl),
    pool,
    services,
    loadTenant: (slug) => services.tenants.findBySlug(slug),
    // A cheap check of each answer against the route's own spec: caught in development and the specs, not paid in production.
    checkResponses: config.env !== 'production',
  });

  const app = new Koa({ proxy: config.trustProxy, keys: cookieKeys(masterKey) });
  // The observer wraps the error middleware, so it logs and counts the status an error was answered with.
  app.use(httpObserver(logger, metrics));
  app.use(errorMiddleware(logger, views));
  app.use(securityHeaders());
  app.use(root.routes());
  app.use(root.allowedMethods());
  // Every admin route lies under its prefix (matched regardless of case, as the router matches): other requests
  // skip testing the path against each of them.
  const [adminRoutesOnly, adminMethods] = [admin.routes(), admin.allowedMethods()];
  app.use((ctx, next) =>
    ctx.path.toLowerCase().startsWith(ADMIN_API_PREFIX) ? adminRoutesOnly(ctx as never, () => adminMethods(ctx as never, next)) : next(),
  );
  app.use(tenantMiddleware(pool, tenantRouter));
  app.use(() => {
    throw new NotFoundError('Route');
  });
  // Errors are logged by the error middleware; Koa's default handler would print them a second time.
  app.silent = true;
  return { app, services, pool, metrics, readiness, scheduler: createScheduler(db, services, config, logger) };
}
