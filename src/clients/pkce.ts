/**
 * PKCE with S256 is required of every client (RFC 9700 §2.1.1): it ties the code to the app that asked for
 * it, which the redirect URI alone does not. A confidential client may be registered with `require_pkce:
 * false`, for a legacy app that cannot send a code_challenge and proves itself with its secret instead; a
 * public client has no secret, so PKCE is all it has, and it is required of it whatever its metadata says.
 */
export function requiresPkce(metadata: { token_endpoint_auth_method?: unknown; require_pkce?: unknown }): boolean {
  return metadata.token_endpoint_auth_method === 'none' || metadata.require_pkce !== false;
}
