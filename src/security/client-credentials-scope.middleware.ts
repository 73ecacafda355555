import type { Context, Next } from 'koa';
import { OIDC_SCOPES } from '../oidc/provider.factory.js';
import { tokenRequestForm } from './token-request-client.js';

/**
 * A client credentials token speaks for the client alone, never for a person: the OpenID scopes (openid,
 * profile, email, roles, doors, offline_access) ask for a person's identity and data, and oidc-provider would
 * put them into such a token when no resource is named. So a client_credentials request may name a resource's
 * scopes (RFC 8707) or none; one naming an OpenID scope is refused, in front of the provider, as invalid_scope.
 */
export async function refuseIdentityScopesForClients(ctx: Context, next: Next): Promise<void> {
  const form = await tokenRequestForm(ctx);
  const requested = form?.get('grant_type') === 'client_credentials' ? (form.get('scope') ?? '').split(' ') : [];
  const identity = requested.filter((scope) => (OIDC_SCOPES as readonly string[]).includes(scope));
  if (!identity.length) return next();
  ctx.status = 400;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: 'invalid_scope', error_description: `client credentials carry no person's scopes: ${identity.join(' ')}` };
}
