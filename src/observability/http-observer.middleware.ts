import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { loggedPath } from './logged-path.js';
import type { AppMetrics } from './metrics.js';

/**
 * Request id, one access-log line and the route metrics for every request. The route label is the route's
 * name (oidc-provider's endpoint or our router's template), never the raw path, which would hold slugs and ids.
 */
export function httpObserver(logger: Logger, metrics: AppMetrics) {
  // The line's fields are these six, none of them a personal field the redaction looks for (the path has no
  // query string); pino's redaction would still inspect each value of every request's line.
  const accessLog = logger.child({}, { redact: [] });
  return async function observe(ctx: Context, next: Next): Promise<void> {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    ctx.state.requestId = /^[\w-]{8,128}$/.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeName(ctx);
      metrics.httpRequests.inc({ route, method: ctx.method, status: String(ctx.status) });
      metrics.httpDuration.observe({ route, method: ctx.method }, seconds);
      accessLog.info(
        { requestId: ctx.state.requestId, method: ctx.method, path: loggedPath(ctx.path), route, status: ctx.status, ms: Math.round(seconds * 1000) },
        'request',
      );
    }
  };
}

function routeName(ctx: Context): string {
  const oidcRoute = (ctx as Context & { oidc?: { route?: string } }).oidc?.route;
  if (oidcRoute) return `oidc:${oidcRoute}`;
  return (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? ctx.state.routeName ?? 'unmatched';
}
