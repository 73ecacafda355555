import type Router from '@koa/router';
import type { Database } from '../db/database.js';
import { assertMayReadMetrics } from './metrics-access.js';
import type { AppMetrics } from './metrics.js';

/** Liveness, readiness (the database answers) and Prometheus metrics, for the token's holder or this machine. */
export function healthRouter(router: Router, deps: { db: Database; metrics: AppMetrics; metricsToken: string | undefined }): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    try {
      await deps.db.connection.db!.admin().command({ ping: 1 });
      ctx.body = { status: 'ready' };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', reason: 'database unreachable' };
    }
  });

  router.get('/metrics', async (ctx) => {
    assertMayReadMetrics(ctx, deps.metricsToken);
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
}
