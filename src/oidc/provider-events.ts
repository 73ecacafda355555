import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { AppMetrics } from '../observability/metrics.js';

const TOKEN_EVENTS = {
  'access_token.saved': 'AccessToken',
  'access_token.issued': 'AccessToken',
  'client_credentials.saved': 'ClientCredentials',
  'client_credentials.issued': 'ClientCredentials',
  'refresh_token.saved': 'RefreshToken',
  'authorization_code.saved': 'AuthorizationCode',
} as const;

/** Counts issued tokens and logs the provider's own server errors (which it answers as server_error). */
export function observeProvider(provider: Provider, tenant: string, metrics: AppMetrics, logger: Logger): void {
  for (const [event, kind] of Object.entries(TOKEN_EVENTS)) {
    provider.on(event as 'access_token.saved', () => metrics.tokensIssued.inc({ kind }));
  }
  provider.on('server_error', (_ctx: unknown, err: Error) => logger.error({ err, tenant }, 'oidc provider error'));
}
