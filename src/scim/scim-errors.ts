import type { Context, Next } from 'koa';
import { HttpError } from '../errors/http-errors.js';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** The `scimType` values of RFC 7644 §3.12 this server answers with. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly scimType?: ScimType,
  ) {
    super(message);
    this.name = 'ScimError';
  }
}

/** A client's mistake in a request body or filter: always a 400 with its scimType, never a 500. */
export const badRequest = (scimType: ScimType, message: string) => new ScimError(400, message, scimType);

/**
 * Every error under /scim/v2 answered as RFC 7644 §3.12 asks: `application/scim+json`, the status as a string,
 * `scimType` where the RFC has one. The house's typed errors keep their status (404, 409, 412...); anything
 * else is an unexpected fault, rethrown to the error middleware, which logs it.
 */
export async function scimErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    const mapped = toScimError(err);
    if (!mapped) throw err;
    ctx.status = mapped.status;
    ctx.type = SCIM_CONTENT_TYPE;
    if (mapped.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="scim"');
    ctx.body = { schemas: [SCIM_ERROR_SCHEMA], status: String(mapped.status), ...(mapped.scimType ? { scimType: mapped.scimType } : {}), detail: mapped.message };
  }
}

function toScimError(err: unknown): ScimError | undefined {
  if (err instanceof ScimError) return err;
  if (err instanceof HttpError) {
    const scimType = err.status === 409 && /already exists/.test(err.message) ? 'uniqueness' : err.status === 400 ? 'invalidValue' : undefined;
    return new ScimError(err.status, err.message, scimType);
  }
  // A malformed JSON body, from the body parser.
  if (typeof err === 'object' && err !== null && (err as { status?: number }).status === 400) return badRequest('invalidSyntax', 'The body is not valid JSON');
  return undefined;
}
