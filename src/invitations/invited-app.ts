/**
 * The app an invitation names, as the person who accepts it continues there. An invitation cannot send them
 * to the app's redirect URI: a callback without an authorization code and the app's own `state` is no answer
 * any app should take. So the app is asked to start a sign-in of its own, at its `initiate_login_uri` (OIDC
 * Core §4), which it begins with its own state and PKCE; an app that has none is only linked to, at its
 * `client_uri`.
 */
export interface InvitedApp {
  name: string;
  initiateLoginUri?: string;
  clientUri?: string;
}

/** The app as its registration describes it (read on acceptance: the client may have changed meanwhile). */
export function invitedAppOf(clientId: string, metadata: Record<string, unknown>): InvitedApp {
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    name: text(metadata.client_name) ?? clientId,
    initiateLoginUri: text(metadata.initiate_login_uri),
    clientUri: text(metadata.client_uri),
  };
}

/**
 * The third-party-initiated login request: `iss` names the tenant the app is to send the person to, and
 * `login_hint` the address they have just accepted with, which the sign-in page then fills in.
 */
export function initiateLoginUrl(initiateLoginUri: string, issuer: string, loginHint: string): string {
  const url = new URL(initiateLoginUri);
  url.searchParams.set('iss', issuer);
  url.searchParams.set('login_hint', loginHint);
  return url.href;
}
