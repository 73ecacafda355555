import type { Context, Middleware, Next } from 'koa';
import { renderErrorPage, wantsHtml } from '../errors/error-pages.js';
import { isLimited, retryAfterSeconds, type RateLimit, type RateLimitStore } from '../security/rate-limit.store.js';
import type { ViewRenderer } from '../views/view-renderer.js';

export interface AuthorizationLimits {
  /** Authorization requests from one IP address per window, across tenants. */
  perIp: RateLimit;
}

/**
 * oidc-provider stores every authorization request it accepts (its interaction, with all parameters) for an
 * hour, before anyone has signed in: without bounds an anonymous sender fills the database. The whole query
 * is at most 8 kB (a request posted as a form is answered with this GET, posted-requests.router.ts), and
 * `state` and `nonce`, opaque values an app needs only to recognise its own request, at most 1024 characters.
 */
const MAX_QUERY_BYTES = 8 * 1024;
const MAX_PARAMETER_CHARS: Readonly<Record<string, number>> = { state: 1024, nonce: 1024 };

/**
 * In front of the authorization endpoint: sizes checked before the provider reads the request (400
 * `invalid_request`), and a leased per-IP limit (429 with Retry-After). A browser gets an error page, anyone
 * else the OAuth error as JSON; neither is sent back to the app, whose redirect_uri is not verified yet.
 */
export function authorizationRequestLimits(store: RateLimitStore, views: ViewRenderer, limits: AuthorizationLimits): Middleware {
  const perIp = store.leased('auth-ip', limits.perIp);
  return async function limitAuthorizationRequests(ctx: Context, next: Next): Promise<void> {
    const problem = oversized(ctx);
    if (problem) return refuse(ctx, views, 400, 'invalid_request', problem);
    try {
      await perIp.spend(store.ipKey(ctx.ip));
    } catch (err) {
      if (!isLimited(err)) throw err;
      ctx.set('Retry-After', String(retryAfterSeconds(err)));
      return refuse(ctx, views, 429, 'temporarily_unavailable', 'Too many authorization requests; retry after the time in Retry-After');
    }
    await next();
  };
}

function oversized(ctx: Context): string | undefined {
  if (Buffer.byteLength(ctx.querystring) > MAX_QUERY_BYTES) return `the query exceeds ${MAX_QUERY_BYTES} bytes`;
  for (const [name, max] of Object.entries(MAX_PARAMETER_CHARS)) {
    const values = ([] as unknown[]).concat(ctx.query[name] ?? []);
    if (values.some((value) => String(value).length > max)) return `${name} exceeds ${max} characters`;
  }
  return undefined;
}

function refuse(ctx: Context, views: ViewRenderer, status: 400 | 429, error: string, description: string): void {
  ctx.status = status;
  ctx.vary('Accept');
  if (wantsHtml(ctx)) return renderErrorPage(ctx, views, status === 429 ? 'rate_limited' : 'oauth', status === 429 ? undefined : error);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error, error_description: description };
}
