import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { ForbiddenError, UnauthorizedError } from '../errors/http-errors.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Who may read /metrics: they name routes, rates and failures, which help whoever probes the service. With a
 * METRICS_TOKEN, a caller sending it as a Bearer token, from anywhere. Without one, only a caller on this
 * machine: the socket's own address, never X-Forwarded-For (which the caller writes), and no request relayed
 * by a proxy (it carries Forwarded or X-Forwarded-For), since a proxy on the same host would make everyone
 * local.
 */
export function assertMayReadMetrics(ctx: Context, token: string | undefined): void {
  if (token) {
    const sent = /^Bearer (\S+)$/.exec(ctx.get('authorization'))?.[1];
    if (!sent || !sameSecret(sent, token)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedError('The metrics token is required');
    }
    return;
  }
  const relayed = Boolean(ctx.get('forwarded') || ctx.get('x-forwarded-for'));
  if (relayed || !LOOPBACK.has(ctx.req.socket.remoteAddress ?? '')) {
    throw new ForbiddenError('Metrics answer only on this machine; set METRICS_TOKEN to scrape them from elsewhere');
  }
}

/** Compares digests, so neither the length nor the first differing byte shows in the time taken. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
