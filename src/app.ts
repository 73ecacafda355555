import Router from '@koa/router';
import Koa from 'koa';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { MasterKey } from './crypto/master-key.js';
import type { Database } from './db/database.js';
import { adminApiRouter, adminAudience } from './admin-api/admin-api.js';
import { adminRoutes } from './admin-api/routes/index.js';
import { errorMiddleware } from './errors/error.middleware.js';
import { NotFoundError } from './errors/http-errors.js';
import { securityHeaders } from './http/security-headers.middleware.js';
import { healthRouter } from './observability/health.router.js';
import { httpObserver } from './observability/http-observer.middleware.js';
import { AppMetrics } from './observability/metrics.js';
import { interactionsRouter } from './oidc/interactions.router.js';
import { LoginFlow } from './oidc/login-flow.js';
import { cookieKeys } from './oidc/provider.factory.js';
import { projectRoot } from './project-root.js';
import { createServices, type Services } from './services.js';
import { TenantPool } from './tenants/tenant-pool.js';
import { buildTenantRuntime, type TenantRuntime } from './tenants/tenant-runtime.js';
import { tenantMiddleware } from './tenants/tenant.middleware.js';
import { createViewRenderer } from './views/view-renderer.js';

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
}

/** The whole HTTP surface, built from explicit dependencies so tests bring their own database and keys. */
export function createApp({ config, db, masterKey, logger, metrics = new AppMetrics() }: AppDeps): IdpApp {
  const services = createServices(db, masterKey, config);
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
  const loginFlow = new LoginFlow([], db.models.pendingLogins, services.users);
  interactionsRouter(tenantRouter, { users: services.users, views, metrics, loginFlow });

  const root = new Router();
  healthRouter(root, { db, metrics });
  const admin = adminApiRouter(adminRoutes(services, config), {
    publicUrl: config.publicUrl,
    audience: adminAudience(config.publicUrl),
    pool,
    services,
    loadTenant: (slug) => services.tenants.findBySlug(slug),
  });

  const app = new Koa({ proxy: config.trustProxy, keys: cookieKeys(masterKey) });
  app.use(errorMiddleware(logger));
  app.use(httpObserver(logger, metrics));
  app.use(securityHeaders());
  app.use(root.routes());
  app.use(root.allowedMethods());
  app.use(admin.routes());
  app.use(admin.allowedMethods());
  app.use(tenantMiddleware(pool, tenantRouter));
  app.use(() => {
    throw new NotFoundError('Route');
  });
  // Errors are logged by the error middleware; Koa's default handler would print them a second time.
  app.silent = true;
  return { app, services, pool, metrics };
}
