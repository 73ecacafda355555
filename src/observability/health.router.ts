import type Router from '@koa/router';
import { assertMayReadMetrics } from './metrics-access.js';
import type { AppMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

/** Liveness, readiness (see readiness.ts) and Prometheus metrics, for the token's holder or this machine. */
export function healthRouter(router: Router, deps: { readiness: Readiness; metrics: AppMetrics; metricsToken: string | undefined }): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const { ready, reason } = await deps.readiness.state();
    ctx.set('Cache-Control', 'no-store');
    if (ready) {
      ctx.body = { status: 'ready' };
      return;
    }
    ctx.status = 503;
    ctx.body = { status: 'unavailable', reason };
  });

  router.get('/metrics', async (ctx) => {
    assertMayReadMetrics(ctx, deps.metricsToken);
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
}
