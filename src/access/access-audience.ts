/**
 * The audience of the access API (`/t/<slug>/access/v1/...`) at every tenant. Lock clients get the lock scopes,
 * any other app only DEVICES_SCOPE for its person (src/oidc/resource-servers.ts); the token's issuer names the
 * tenant, so a token of one tenant is refused at another.
 */
export const ACCESS_AUDIENCE = 'urn:doorway:access';

/** Asking for access decisions, uploading access events (later), reporting status. */
export const ACCESS_SCOPES = ['access:decide', 'access:events', 'access:status'] as const;
export type AccessScope = (typeof ACCESS_SCOPES)[number];

/** The one scope a person's app may ask for at this audience: registering and using their own devices. */
export const DEVICES_SCOPE = 'access:devices';

/** Lock tokens are short-lived: a retired lock's last token stops working within this many seconds. */
export const ACCESS_TOKEN_TTL = 300;

/** The client metadata property naming the lock a client speaks for; only such clients get access tokens. */
export const LOCK_CLIENT_PROPERTY = 'lock_id';
