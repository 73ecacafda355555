import type { FieldIssue } from '../errors/http-errors.js';
import { OIDC_CLIENT_AUTH_METHODS, OIDC_SCOPES } from '../oidc/provider.factory.js';
import type { ClientRegistration } from './client.service.js';

export const CLIENT_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const CLIENT_AUTH_METHODS = OIDC_CLIENT_AUTH_METHODS;
/**
 * oidc-provider refuses a client whose `scope` names a scope it does not offer, which would only show when the
 * client is used, so registration refuses it first.
 */
export const CLIENT_SCOPES = OIDC_SCOPES;

/** Algorithms an app may sign its request objects with: HS256 with its secret, the others with its jwks. */
export const REQUEST_OBJECT_ALGS = ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA'] as const;

export type ClientGrantType = (typeof CLIENT_GRANT_TYPES)[number];
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** A client as an admin registers it; the stored metadata adds what follows from it (response_types). */
export interface ClientSettings {
  client_name?: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: ClientGrantType[];
  token_endpoint_auth_method: ClientAuthMethod;
  scope?: string;
  service_roles: string[];
  /** false: a confidential legacy app that cannot send PKCE (src/clients/pkce.ts); absent means true. */
  require_pkce?: boolean;
  /** Where the provider posts a logout token when a person's session with this app ends (back-channel logout). */
  backchannel_logout_uri?: string | null;
  /** The logout token names the session (`sid`), and ID tokens carry it, so the app can end just that one. */
  backchannel_logout_session_required?: boolean;
  /** The app's public keys (request objects signed with them); null: none. */
  jwks?: { keys: Record<string, unknown>[] } | null;
  /** The one algorithm its request objects must use; null: any the provider accepts. */
  request_object_signing_alg?: (typeof REQUEST_OBJECT_ALGS)[number] | null;
  /** The app's home page, which people are shown a link to (RFC 7591); null: none. */
  client_uri?: string | null;
  /**
   * Where the app starts a sign-in of its own when sent there with `iss` (OIDC Core §4); null: none. A person
   * who accepts an invitation naming the app is sent there.
   */
  initiate_login_uri?: string | null;
}

// Plain http is tolerable only where the traffic never leaves the machine (native apps, local development).
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);

/** Why a redirect URI is refused, or undefined when it is acceptable. */
export function redirectUriProblem(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url) return 'must be an absolute URL';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return undefined;
  return 'must use https (http only for localhost or 127.0.0.1)';
}

/**
 * Why an app's initiate_login_uri is refused: OIDC Registration requires https, and oidc-provider refuses a
 * client with any other, which would only show when the client is next used.
 */
export function initiateLoginUriProblem(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url) return 'must be an absolute URL';
  if (url.protocol !== 'https:') return 'must use https';
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain credentials';
  return undefined;
}

/** A public client (a browser or mobile app) cannot keep a secret, so it has none. */
export function isPublic(metadata: { token_endpoint_auth_method?: unknown }): boolean {
  return metadata.token_endpoint_auth_method === 'none';
}

/** The rules that tie fields together; each problem names the field to correct. */
export function settingsProblems(s: ClientSettings): FieldIssue[] {
  const problems: FieldIssue[] = [];
  const grants = new Set<string>(s.grant_types);
  if (isPublic(s) && grants.has('client_credentials')) {
    // A public client holds no secret, so "client credentials" would hand tokens to anyone knowing its id.
    problems.push({ field: 'grant_types', message: 'a public client (token_endpoint_auth_method none) cannot use client_credentials' });
  }
  if (grants.has('authorization_code') && s.redirect_uris.length === 0) {
    problems.push({ field: 'redirect_uris', message: 'authorization_code needs at least one redirect URI' });
  }
  if (grants.has('refresh_token') && !grants.has('authorization_code')) {
    problems.push({ field: 'grant_types', message: 'refresh_token is only issued with authorization_code' });
  }
  if (isPublic(s) && s.require_pkce === false) {
    problems.push({ field: 'require_pkce', message: 'a public client (token_endpoint_auth_method none) always uses PKCE' });
  }
  if (s.backchannel_logout_uri && !grants.has('authorization_code')) {
    problems.push({ field: 'backchannel_logout_uri', message: "back-channel logout ends people's sessions, which need the authorization_code grant" });
  }
  if (s.request_object_signing_alg?.startsWith('HS') && isPublic(s)) {
    problems.push({ field: 'request_object_signing_alg', message: 'a public client has no secret to sign request objects with' });
  } else if (s.request_object_signing_alg && !s.request_object_signing_alg.startsWith('HS') && !s.jwks) {
    problems.push({ field: 'jwks', message: `${s.request_object_signing_alg} request objects are verified with the client's jwks` });
  }
  if (s.service_roles.length > 0 && !grants.has('client_credentials')) {
    problems.push({ field: 'service_roles', message: 'service roles are held by service accounts, which need the client_credentials grant' });
  }
  return problems;
}

/** The registration stored and handed to oidc-provider (RFC 7591 names). */
export function toMetadata(s: ClientSettings): ClientRegistration {
  return {
    ...(s.client_name !== undefined ? { client_name: s.client_name } : {}),
    redirect_uris: s.redirect_uris,
    post_logout_redirect_uris: s.post_logout_redirect_uris,
    grant_types: s.grant_types,
    response_types: s.grant_types.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: s.token_endpoint_auth_method,
    ...(s.scope !== undefined ? { scope: s.scope } : {}),
    service_roles: s.service_roles,
    ...(s.require_pkce === false ? { require_pkce: false } : {}),
    ...(s.jwks ? { jwks: s.jwks } : {}),
    ...(s.request_object_signing_alg ? { request_object_signing_alg: s.request_object_signing_alg } : {}),
    ...(s.backchannel_logout_uri ? { backchannel_logout_uri: s.backchannel_logout_uri, backchannel_logout_session_required: s.backchannel_logout_session_required === true } : {}),
    ...(s.client_uri ? { client_uri: s.client_uri } : {}),
    ...(s.initiate_login_uri ? { initiate_login_uri: s.initiate_login_uri } : {}),
  };
}

/** Stored metadata read back as settings; defaults are oidc-provider's for clients registered without them. */
export function toSettings(
  metadata: Record<string, unknown>,
): Omit<ClientSettings, 'backchannel_logout_uri' | 'jwks' | 'request_object_signing_alg' | 'client_uri' | 'initiate_login_uri'> & {
  require_pkce: boolean;
  backchannel_logout_uri?: string;
  backchannel_logout_session_required: boolean;
  jwks?: { keys: Record<string, unknown>[] };
  request_object_signing_alg?: (typeof REQUEST_OBJECT_ALGS)[number];
  client_uri?: string;
  initiate_login_uri?: string;
} {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    ...(typeof metadata.client_name === 'string' ? { client_name: metadata.client_name } : {}),
    redirect_uris: strings(metadata.redirect_uris),
    post_logout_redirect_uris: strings(metadata.post_logout_redirect_uris),
    grant_types: (metadata.grant_types === undefined ? ['authorization_code'] : strings(metadata.grant_types)) as ClientGrantType[],
    token_endpoint_auth_method: (metadata.token_endpoint_auth_method ?? 'client_secret_basic') as ClientAuthMethod,
    ...(typeof metadata.scope === 'string' ? { scope: metadata.scope } : {}),
    service_roles: strings(metadata.service_roles),
    require_pkce: metadata.require_pkce !== false,
    ...(typeof metadata.backchannel_logout_uri === 'string' ? { backchannel_logout_uri: metadata.backchannel_logout_uri } : {}),
    backchannel_logout_session_required: metadata.backchannel_logout_session_required === true,
    ...(isJwks(metadata.jwks) ? { jwks: metadata.jwks } : {}),
    ...((REQUEST_OBJECT_ALGS as readonly unknown[]).includes(metadata.request_object_signing_alg)
      ? { request_object_signing_alg: metadata.request_object_signing_alg as (typeof REQUEST_OBJECT_ALGS)[number] }
      : {}),
    ...(typeof metadata.client_uri === 'string' ? { client_uri: metadata.client_uri } : {}),
    ...(typeof metadata.initiate_login_uri === 'string' ? { initiate_login_uri: metadata.initiate_login_uri } : {}),
  };
}

function isJwks(value: unknown): value is { keys: Record<string, unknown>[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}
