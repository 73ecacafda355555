import type { Problem } from '../errors/error.middleware.js';

/**
 * The provider's endpoints whose callers are OAuth clients (token, introspection, revocation, userinfo,
 * pushed authorization requests, registration): whatever fails in front of the provider or around it, they
 * are answered as RFC 6749 §5.2 errors, which clients parse, never as problem+json.
 */
const OAUTH_ENDPOINT = /^\/t\/[^/]+\/(?:token(?:\/introspection|\/revocation)?|me|request|reg(?:\/[^/]+)?)\/?$/;

export function isOAuthEndpoint(path: string): boolean {
  return OAUTH_ENDPOINT.test(path);
}

/**
 * A problem said as an OAuth error. 503 is `temporarily_unavailable` (RFC 6749 names it for the authorization
 * endpoint; oidc-provider defines it for every endpoint, and clients treat it as "retry later"), other server
 * faults `server_error`, whose description tells nothing about the fault.
 */
export function oauthErrorOf(problem: Problem): { error: string; error_description: string } {
  if (problem.status === 503) return { error: 'temporarily_unavailable', error_description: 'the service is temporarily unavailable, retry after the time in Retry-After' };
  if (problem.status >= 500) return { error: 'server_error', error_description: 'an unexpected error occurred' };
  if (problem.status === 429) return { error: 'slow_down', error_description: problem.detail ?? problem.title };
  if (problem.status === 401) return { error: 'invalid_client', error_description: problem.detail ?? problem.title };
  return { error: 'invalid_request', error_description: problem.detail ?? problem.title };
}
