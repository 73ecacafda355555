import { jwtVerify } from 'jose';
import type { Context } from 'koa';
import { ForbiddenError, UnauthorizedError } from '../errors/http-errors.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import { ACCESS_AUDIENCE, DEVICES_SCOPE } from './access-audience.js';

/**
 * The user behind a request about their devices: the Bearer token must be a JWT access token of this tenant
 * for the access API audience, issued to a person (not a client's own token) with the access:devices scope.
 */
export async function authenticateDeviceUser(ctx: Context, runtime: TenantRuntime, issuer: string): Promise<{ userId: string; token: string }> {
  const challenge = (message: string) => {
    ctx.set('WWW-Authenticate', 'Bearer realm="access", error="invalid_token"');
    return new UnauthorizedError(message);
  };
  const match = /^(?:Bearer|DPoP) ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(ctx.get('authorization'));
  if (!match) throw challenge("A user's access token for the access API is required");
  let payload;
  try {
    ({ payload } = await jwtVerify(match[1]!, runtime.publicJwks, { issuer, audience: ACCESS_AUDIENCE, typ: 'at+jwt', algorithms: ['ES256'] }));
  } catch {
    throw challenge('The access token is invalid, expired or not issued by this tenant for the access API');
  }
  if (typeof payload.sub !== 'string' || payload.sub === payload.client_id) throw challenge('The access token names no user');
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (!scopes.includes(DEVICES_SCOPE)) throw new ForbiddenError(`The access token lacks the ${DEVICES_SCOPE} scope`);
  return { userId: payload.sub, token: match[1]! };
}
