import type { Context, Middleware, Next } from 'koa';
import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import { isLimited, retryAfterSeconds, type RateLimit, type RateLimitStore } from './rate-limit.store.js';

export interface TokenLimits {
  perClient: RateLimit;
  perIp: RateLimit;
}

/**
 * Limits on the token endpoint, in front of oidc-provider: per IP address (every request), and per client.
 * Past a limit the answer is an OAuth error, 429 `slow_down` with Retry-After.
 *
 * A client's allowance is spent only by requests that authenticated as that client, so nobody can exhaust an
 * app's allowance by sending its client_id with a wrong secret; such requests spend their IP's. The client is
 * known before the provider runs only from HTTP Basic credentials (how confidential clients authenticate here):
 * reading a form body ahead of oidc-provider would make it fall back to a pre-parsed body, which it warns
 * against. Clients that authenticate in the body, and public clients, are held by the per-IP limit alone.
 */
export function tokenRateLimit(store: RateLimitStore, limits: TokenLimits): Middleware {
  const perIp = store.limiter('token-ip', limits.perIp);
  const perClient = store.limiter('token-client', limits.perClient);
  return async function limitTokenRequests(ctx: Context, next: Next): Promise<void> {
    const { tenant } = ctx.state.runtime as TenantRuntime;
    const claimed = basicClientId(ctx.get('authorization'));
    const clientKey = claimed && `${tenant._id}:${claimed}`;
    if (clientKey) {
      const used = await perClient.get(clientKey);
      if (used && used.consumedPoints >= perClient.points && used.msBeforeNext > 0) return slowDown(ctx, used);
    }
    try {
      await perIp.consume(store.ipKey(ctx.ip));
    } catch (err) {
      if (isLimited(err)) return slowDown(ctx, err);
      throw err;
    }
    await next();
    const authenticated = (ctx as { oidc?: { client?: { clientId: string } } }).oidc?.client?.clientId;
    // invalid_client is 401: the client was looked up but did not prove who it is.
    if (clientKey && authenticated === claimed && ctx.status !== 401) await perClient.penalty(clientKey, 1);
    await store.sweepIfDue();
  };
}

function slowDown(ctx: Context, res: Pick<RateLimiterRes, 'msBeforeNext'>): void {
  ctx.status = 429;
  ctx.set({ 'Retry-After': String(retryAfterSeconds(res)), 'Cache-Control': 'no-store' });
  ctx.body = { error: 'slow_down', error_description: 'Too many token requests; retry after the time in Retry-After' };
}

/** The client id of `Authorization: Basic` credentials (form-encoded, RFC 6749 §2.3.1), if any. */
function basicClientId(header: string): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
