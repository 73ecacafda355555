import { jwtVerify } from 'jose';
import type { Context } from 'koa';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors/http-errors.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import { ACCESS_AUDIENCE, type AccessScope } from './access-audience.js';
import type { LockDoc } from './lock.model.js';
import type { LockService } from './lock.service.js';

/**
 * The lock behind a request to the access API: its Bearer token must be a JWT access token of this tenant
 * (issuer, keys) for the access API audience, holding `scope`, issued to the client of a lock that is not retired.
 */
export async function authenticateLock(ctx: Context, runtime: TenantRuntime, issuer: string, locks: LockService, scope: AccessScope): Promise<LockDoc> {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(ctx.get('authorization'));
  if (!match) throw challenge(ctx, new UnauthorizedError('A Bearer access token of a lock is required'));
  let payload;
  try {
    ({ payload } = await jwtVerify(match[1]!, runtime.publicJwks, { issuer, audience: ACCESS_AUDIENCE, typ: 'at+jwt', algorithms: ['ES256'] }));
  } catch {
    throw challenge(ctx, new UnauthorizedError('The access token is invalid, expired or not issued by this tenant for the access API'));
  }
  const lock = typeof payload.client_id === 'string' ? await locks.byClient(runtime.tenant._id, payload.client_id) : null;
  if (!lock) throw challenge(ctx, new UnauthorizedError('The lock of this token is retired'));
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (!scopes.includes(scope)) throw new ForbiddenError(`The access token lacks the ${scope} scope`);
  return lock;
}

/** The user a user's access token names, once it is verified as one issued by this tenant; else a field problem. */
export async function userOfToken(runtime: TenantRuntime, issuer: string, token: string): Promise<string> {
  const refuse = () => new ValidationError([{ field: 'body.subject.access_token', message: "is not a valid, unexpired access token of one of this tenant's users" }]);
  try {
    const { payload } = await jwtVerify(token, runtime.publicJwks, { issuer, typ: 'at+jwt', algorithms: ['ES256', 'RS256'] });
    // A client's own token (client credentials) names no person.
    if (typeof payload.sub !== 'string' || payload.sub === payload.client_id) throw refuse();
    return payload.sub;
  } catch {
    throw refuse();
  }
}

function challenge(ctx: Context, err: UnauthorizedError): UnauthorizedError {
  ctx.set('WWW-Authenticate', 'Bearer realm="access", error="invalid_token"');
  return err;
}
