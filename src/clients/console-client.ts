/**
 * The admin console of every tenant is an ordinary OIDC client of that tenant: a first-party public client
 * (authorization code + PKCE, no secret, no consent page) that no admin registers and none can delete. It is
 * served at `/t/<slug>/console/` and calls the admin API with access tokens for the admin audience.
 */
export const CONSOLE_CLIENT_ID = 'doorway-console';

export function consoleUrl(publicUrl: string, slug: string): string {
  return `${publicUrl}/t/${slug}/console/`;
}

export function consoleRedirectUri(publicUrl: string, slug: string): string {
  return `${consoleUrl(publicUrl, slug)}callback`;
}

/**
 * Only clients designated for administration may obtain tokens for the admin API audience: the console, and
 * service accounts (clients holding service roles). Any other app of a tenant asking for that audience is
 * refused, even when an admin signs in to it.
 */
export function mayRequestAdminAudience(clientId: string, serviceRoles: unknown): boolean {
  return clientId === CONSOLE_CLIENT_ID || (Array.isArray(serviceRoles) && serviceRoles.length > 0);
}
