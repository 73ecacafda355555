import { InMemoryWebStorage, UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { TenantLocation } from '../app/tenant-location';

/** Must match src/clients/console-client.ts: the console is that built-in client of every tenant. */
const CLIENT_ID = 'doorway-console';
const SCOPES = 'openid profile email roles admin';

/**
 * Sign-in as the tenant's console client: authorization code + PKCE, asking for an access token for the admin
 * API (`resource`, RFC 8707). Tokens live in memory only: nothing a script injected later, or another tab,
 * could read from storage, and a reload signs in again (silently, while the provider's session lasts). Only
 * the short-lived PKCE state of a sign-in in progress is kept in sessionStorage, as it must survive the redirect.
 */
export function createUserManager(where: TenantLocation): UserManager {
  const consoleUrl = `${window.location.origin}${where.basePath}`;
  return new UserManager({
    authority: where.issuer,
    client_id: CLIENT_ID,
    redirect_uri: `${consoleUrl}callback`,
    post_logout_redirect_uri: consoleUrl,
    response_type: 'code',
    scope: SCOPES,
    extraQueryParams: { resource: where.adminAudience },
    extraTokenParams: { resource: where.adminAudience },
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    loadUserInfo: false,
    automaticSilentRenew: false,
    monitorSession: false,
  });
}

export interface Person {
  subject: string;
  name: string;
  email?: string;
  /** From the ID token's roles claim: for showing what may be useful; the admin API decides what is allowed. */
  roles: string[];
}

export function personOf(user: User): Person {
  const profile = user.profile as typeof user.profile & { roles?: unknown };
  const roles = Array.isArray(profile.roles) ? profile.roles.filter((r): r is string => typeof r === 'string') : [];
  return { subject: profile.sub, name: profile.name ?? profile.email ?? profile.sub, email: profile.email, roles };
}

/**
 * Completes a sign-in returning to /callback, or starts one. Resolves to the signed-in user, or never (the page
 * is leaving for the sign-in page). Where the person was going is carried through the sign-in in `state`.
 */
export async function signIn(manager: UserManager, where: TenantLocation): Promise<User> {
  const callback = `${where.basePath}callback`;
  if (window.location.pathname === callback) {
    const user = await manager.signinRedirectCallback();
    const back = typeof user.state === 'string' && user.state.startsWith(where.basePath) ? user.state : where.basePath;
    window.history.replaceState(null, '', back);
    return user;
  }
  const current = await manager.getUser();
  if (current && !current.expired) return current;
  await manager.signinRedirect({ state: window.location.pathname + window.location.search });
  return new Promise<never>(() => undefined);
}
