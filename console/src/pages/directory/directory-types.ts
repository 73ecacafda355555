import type { paths } from '../../api/schema';

type Providers = paths['/tenants/{tenant}/upstream-idps'];
/** An upstream OpenID provider as the API lists it (never with its client secret). */
export type Provider = Providers['get']['responses'][200]['content']['application/json']['items'][number];
export type ProviderCreate = NonNullable<Providers['post']['requestBody']>['content']['application/json'];
export type RoleRule = Provider['role_mappings'][number];

/** Where the provider sends people back: what the admin registers as the redirect URI of our client there. */
export const callbackUrl = (origin: string, slug: string) => `${origin}/t/${encodeURIComponent(slug)}/federation/callback`;
/** The tenant's SCIM 2.0 service provider, which the company directory is given. */
export const scimBaseUrl = (origin: string, slug: string) => `${origin}/t/${encodeURIComponent(slug)}/scim/v2`;
