import type { Configuration } from 'oidc-provider';
import type { TenantSettings } from '../tenants/tenant.model.js';

/**
 * Lifetimes in seconds a tenant may choose, each with its bounds and the default of a tenant that chose none.
 * Access tokens here are those without a resource (userinfo); a resource server sets its own.
 */
export const TOKEN_LIFETIMES = {
  accessTokenTtl: { min: 60, max: 86_400, default: 600 },
  idTokenTtl: { min: 300, max: 86_400, default: 3600 },
  refreshTokenTtl: { min: 3600, max: 90 * 86_400, default: 14 * 86_400 },
  sessionTtl: { min: 300, max: 90 * 86_400, default: 14 * 86_400 },
} as const;
export type TokenLifetime = keyof typeof TOKEN_LIFETIMES;

/**
 * Seconds after a refresh token's rotation in which the rotated token is still honoured: a client whose
 * response was lost (a crash, a dropped connection) retries and gets a fresh token of the same grant instead
 * of a revoked grant. Off by default, so that replay detection stays as strict as it was unless a tenant
 * chooses the window; a minute at most, because a replay inside the window is not detected as theft. After
 * it, reusing the rotated token revokes the whole grant as always.
 */
export const REFRESH_TOKEN_REUSE_INTERVAL = { min: 0, max: 60, default: 0 } as const;

export function refreshTokenReuseIntervalOf(settings: Partial<TenantSettings>): number {
  return settings.refreshTokenReuseInterval ?? REFRESH_TOKEN_REUSE_INTERVAL.default;
}

/** Bounds of a resource server's JWT access token lifetime. */
export const RESOURCE_ACCESS_TOKEN_TTL = { min: 60, max: 86_400, default: 600 } as const;

/**
 * Retired signing keys stay published at least this long: the longest a signed token (an ID token, a JWT
 * access token) may live under any tenant's settings. The bound, not the tenant's current value, because a
 * token signed before the tenant shortened a lifetime still lives by the old one.
 */
export const LONGEST_SIGNED_TOKEN_TTL = Math.max(TOKEN_LIFETIMES.idTokenTtl.max, RESOURCE_ACCESS_TOKEN_TTL.max);

export function lifetimeOf(settings: Partial<TenantSettings>, name: TokenLifetime): number {
  return settings[name] ?? TOKEN_LIFETIMES[name].default;
}

/** The provider's `ttl` for one tenant. A token for a resource server lives as long as that resource says. */
export function providerTtl(settings: Partial<TenantSettings>): NonNullable<Configuration['ttl']> {
  const accessToken = lifetimeOf(settings, 'accessTokenTtl');
  const refreshToken = lifetimeOf(settings, 'refreshTokenTtl');
  const session = lifetimeOf(settings, 'sessionTtl');
  return {
    AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessToken,
    ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessToken,
    AuthorizationCode: 60,
    IdToken: lifetimeOf(settings, 'idTokenTtl'),
    Interaction: 3600,
    RefreshToken: refreshToken,
    // A grant outlives everything issued under it: refresh tokens and the sign-in session.
    Grant: Math.max(refreshToken, session),
    Session: session,
  };
}
