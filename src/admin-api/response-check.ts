import type { RouteResult, RouteSpec } from './route-spec.js';

/** A route answered what its own spec, and so the OpenAPI document, does not describe: our bug, not the caller's. */
export class UndocumentedResponseError extends Error {
  constructor(route: RouteSpec, status: number, what: string) {
    super(`${route.operationId} answered ${status}: ${what}`);
    this.name = 'UndocumentedResponseError';
  }
}

/** The status respond() answers with: the route's own, else 200 with a body and 204 without. */
export function statusOf(result: RouteResult): number {
  return result.status ?? (result.body === undefined && !result.stream ? 204 : 200);
}

/**
 * Holds a route's successful answer to its spec, from which the document is built: a documented status,
 * warnings only where documented, a stream or a body only where one is, and a body its zod schema parses.
 * Off in production, where a drifted answer still serves the caller better than a 500; on in development and
 * in the specs, so the drift shows there. (Extra properties are left to the specs' contract check: a zod
 * object passes them.)
 */
export function checkResponse(route: RouteSpec, result: RouteResult): void {
  const status = statusOf(result);
  const spec = route.responses[status];
  if (!spec || status >= 400) throw new UndocumentedResponseError(route, status, 'a status its spec does not document');
  if (result.warnings?.length && !spec.warns) throw new UndocumentedResponseError(route, status, 'warnings its spec does not document');
  if (result.stream) {
    if (!spec.stream?.includes(result.stream.type.split(';')[0]!.trim())) throw new UndocumentedResponseError(route, status, `a ${result.stream.type} stream its spec does not document`);
    return;
  }
  if (result.body === undefined) return;
  if (!spec.schema) throw new UndocumentedResponseError(route, status, 'a body its spec does not document');
  const parsed = spec.schema.safeParse(result.body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${['body', ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new UndocumentedResponseError(route, status, `a body its schema refuses (${issues.join('; ')})`);
  }
}
