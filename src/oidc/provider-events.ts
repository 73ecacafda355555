import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { RETRY_AFTER_SECONDS } from '../errors/http-errors.js';
import type { AppMetrics } from '../observability/metrics.js';

const TOKEN_EVENTS = {
  'access_token.saved': 'AccessToken',
  'access_token.issued': 'AccessToken',
  'client_credentials.saved': 'ClientCredentials',
  'client_credentials.issued': 'ClientCredentials',
  'refresh_token.saved': 'RefreshToken',
  'authorization_code.saved': 'AuthorizationCode',
} as const;

/**
 * Counts issued tokens, logs the provider's own server errors (which it answers as server_error), and marks a
 * user active when an app refreshes their tokens: someone who only uses an app that refreshes in the
 * background is not inactive, and must not be anonymized as if they were.
 */
export function observeProvider(
  provider: Provider,
  tenant: { _id: string; slug: string },
  deps: { metrics: AppMetrics; logger: Logger; markActive(tenantId: string, accountId: string, lastActiveAt?: Date): Promise<void> },
): void {
  const { metrics, logger } = deps;
  for (const [event, kind] of Object.entries(TOKEN_EVENTS)) {
    provider.on(event as 'access_token.saved', () => metrics.tokensIssued.inc({ kind }));
  }
  provider.on('server_error', (ctx: KoaContextWithOIDC, err: Error) => {
    if (!isDatabaseUnavailable(err)) return logger.error({ err, tenant: tenant.slug }, 'oidc provider error');
    logger.warn({ err, tenant: tenant.slug }, 'oidc provider: database unavailable');
    answerUnavailable(ctx);
  });
  // The person is signed out regardless; the app's operator needs to learn that its session outlived ours.
  provider.on('backchannel.error', (_ctx: unknown, err: Error, client: { clientId: string }) =>
    logger.warn({ err, tenant: tenant.slug, client: client.clientId }, 'back-channel logout not delivered'),
  );
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const accountId = ctx.oidc.entities.RefreshToken?.accountId;
    if (ctx.oidc.params?.grant_type !== 'refresh_token' || !accountId) return;
    // The refresh has read the account (src/oidc/account.ts, once per request): its last mark comes with it.
    const lastActiveAt = ctx.oidc.entities.Account?.lastActiveAt as Date | undefined;
    deps.markActive(tenant._id, accountId, lastActiveAt).catch((err: unknown) => logger.warn({ err, tenant: tenant.slug }, 'could not mark user active'));
  });
}

/**
 * The provider answers every fault it did not raise itself as a 500 server_error; one that only says the
 * database is out of reach is turned into what it is, a 503 with Retry-After. The event comes after the
 * answer was made, so its JSON is replaced here (an HTML page was already rendered as such by renderError).
 */
function answerUnavailable(ctx: KoaContextWithOIDC): void {
  ctx.status = 503;
  ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
  const body = ctx.body as { error?: unknown } | undefined;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && body.error === 'server_error') {
    ctx.body = { ...body, error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable, retry after the time in Retry-After' };
  }
}
