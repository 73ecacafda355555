import type { Context, Middleware, Next } from 'koa';
import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import { ignoreLimited, isLimited, retryAfterSeconds, type RateLimit, type RateLimitStore } from './rate-limit.store.js';
import { claimedClientId } from './token-request-client.js';

export interface TokenLimits {
  perClient: RateLimit;
  perIp: RateLimit;
}

interface ProviderClient {
  clientId: string;
  clientAuthMethod?: string;
}

/**
 * Limits on the token endpoint, in front of oidc-provider: per IP address (every request), and per client,
 * however the client identifies itself (HTTP Basic, or `client_id` in the form: client_secret_post and public
 * clients). Past a limit the answer is an OAuth error, 429 `slow_down` with Retry-After.
 *
 * A client's allowance is spent only by requests that proved they come from it, so nobody can exhaust an app's
 * allowance by sending its client_id: a confidential client proves it with its secret (any answer but 401,
 * invalid_client), a public client has no secret and so spends it only with requests the provider granted.
 * Everything else spends its IP's allowance alone.
 *
 * Both limits are leased (leased-limit.ts): on a busy key a process writes its counter once per lease, not
 * once per request, and all processes together still never allow more than the limit.
 */
export function tokenRateLimit(store: RateLimitStore, limits: TokenLimits): Middleware {
  const perIp = store.leased('token-ip', limits.perIp);
  const perClient = store.leased('token-client', limits.perClient);
  return async function limitTokenRequests(ctx: Context, next: Next): Promise<void> {
    const { tenant } = ctx.state.runtime as TenantRuntime;
    const claimed = await claimedClientId(ctx);
    const clientKey = claimed && `${tenant._id}:${claimed}`;
    if (clientKey) {
      const refused = await perClient.refusal(clientKey);
      if (refused) return slowDown(ctx, refused);
    }
    try {
      await perIp.spend(store.ipKey(ctx.ip));
    } catch (err) {
      if (isLimited(err)) return slowDown(ctx, err);
      throw err;
    }
    await next();
    const client = (ctx as { oidc?: { client?: ProviderClient } }).oidc?.client;
    if (clientKey && client?.clientId === claimed && provedBy(client, ctx.status)) await perClient.spend(clientKey).catch(ignoreLimited);
    await store.sweepIfDue();
  };
}

function provedBy(client: ProviderClient, status: number): boolean {
  return client.clientAuthMethod === 'none' ? status < 400 : status !== 401;
}

function slowDown(ctx: Context, res: Pick<RateLimiterRes, 'msBeforeNext'>): void {
  ctx.status = 429;
  ctx.set({ 'Retry-After': String(retryAfterSeconds(res)), 'Cache-Control': 'no-store' });
  ctx.body = { error: 'slow_down', error_description: 'Too many token requests; retry after the time in Retry-After' };
}
