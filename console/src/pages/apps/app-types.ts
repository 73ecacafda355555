import type { paths } from '../../api/schema';

type Clients = paths['/tenants/{tenant}/clients'];
/** An app as the API lists it (never its secret). */
export type App = Clients['get']['responses'][200]['content']['application/json']['items'][number];
export type AppCreate = NonNullable<Clients['post']['requestBody']>['content']['application/json'];
export type GrantType = NonNullable<AppCreate['grant_types']>[number];

export const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
export type ServiceRole = NonNullable<AppCreate['service_roles']>[number];
/** The roles a service account (an app with client credentials) may hold: the admin roles and scim_provisioner. */
export const SERVICE_ROLES: readonly ServiceRole[] = ['tenant_admin', 'user_manager', 'auditor', 'scim_provisioner'];
/** The scopes the API lets a client ask for (CLIENT_SCOPES). */
export const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'roles', 'doors'] as const;
export type Scope = (typeof SCOPES)[number];

export const appName = (app: Pick<App, 'client_id' | 'client_name'>) => app.client_name ?? app.client_id;
export const isPublicApp = (app: Pick<App, 'token_endpoint_auth_method'>) => app.token_endpoint_auth_method === 'none';
