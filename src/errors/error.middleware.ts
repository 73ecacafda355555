import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { ViewRenderer } from '../views/view-renderer.js';
import { errorKindOf, renderErrorPage, wantsHtml } from './error-pages.js';
import { HttpError, RETRY_AFTER_SECONDS, ServiceUnavailableError, UnknownTenantError } from './http-errors.js';
import { isDatabaseUnavailable } from '../db/database-unavailable.js';
import { loggedPath } from '../observability/logged-path.js';
import { isOAuthEndpoint, oauthErrorOf } from '../oidc/oauth-endpoints.js';

/**
 * The one place errors become responses: RFC 9457 problem+json, or for a browser the same status as a
 * localized page; never a stack trace. Unknown errors are logged with the request id and answered with a
 * generic 500. Errors Koa or its body parsers raise for bad input (they carry `status` < 500 and `expose`)
 * keep their status. A database that cannot be reached or does not answer in time is a 503 with Retry-After:
 * the request was fine and will likely succeed shortly. OAuth endpoints answer OAuth errors, as their clients
 * expect, even for faults raised in front of the provider.
 */
export function errorMiddleware(logger: Logger, views: ViewRenderer) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (err) {
      const problem = toProblem(err);
      const where = { err, requestId: ctx.state.requestId, path: loggedPath(ctx.path) };
      if (problem.status === 503) logger.warn(where, 'request failed: database unavailable');
      else if (problem.status >= 500) logger.error(where, 'request failed');
      ctx.status = problem.status;
      if (problem.status === 503) ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      // An unknown tenant has no OAuth endpoints: its address is answered like any other that names nothing.
      if (isOAuthEndpoint(ctx.path) && !(err instanceof UnknownTenantError)) {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = oauthErrorOf(problem);
        return;
      }
      // The answer depends on what was asked for: a cache must not hand a browser's page to a program.
      ctx.vary('Accept');
      if (wantsHtml(ctx)) return renderErrorPage(ctx, views, errorKindOf(problem.status, err instanceof UnknownTenantError));
      ctx.type = 'application/problem+json';
      ctx.body = { ...problem, instance: ctx.path, request_id: ctx.state.requestId };
    }
  };
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extra: string]: unknown;
}

export function toProblem(err: unknown): Problem {
  if (isDatabaseUnavailable(err) && !(err instanceof HttpError)) return toProblem(new ServiceUnavailableError());
  if (err instanceof HttpError) {
    return { type: err.type, title: titleFor(err.status), status: err.status, detail: err.message, ...err.extra };
  }
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  const status = Number(e?.status ?? e?.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    return {
      type: 'urn:doorway:problem:bad-request',
      title: titleFor(status),
      status,
      detail: e.expose && typeof e.message === 'string' ? e.message : titleFor(status),
    };
  }
  return { type: 'urn:doorway:problem:internal', title: titleFor(500), status: 500, detail: 'An unexpected error occurred' };
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}
