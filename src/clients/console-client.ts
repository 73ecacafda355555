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

/**
 * The OpenID scopes the console may ask for: who the person is and their roles (for display). The admin API's
 * `admin` scope is a resource scope, granted with `resource=<PUBLIC_URL>/admin/api`, not a client scope.
 */
export const CONSOLE_SCOPES = 'openid profile email roles';

/**
 * The console's registration as oidc-provider reads it, derived for each tenant rather than stored: nobody
 * registers it and no admin can change or delete it. A public client (the code runs in the browser), code +
 * PKCE only; no refresh token, so a closed tab leaves nothing that outlives the provider's session.
 */
export function consoleClientMetadata(publicUrl: string, slug: string): Record<string, unknown> {
  return {
    client_id: CONSOLE_CLIENT_ID,
    client_name: 'Doorway console',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [consoleRedirectUri(publicUrl, slug)],
    post_logout_redirect_uris: [consoleUrl(publicUrl, slug)],
    scope: CONSOLE_SCOPES,
  };
}
