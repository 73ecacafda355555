/** What the API's problem+json (RFC 9457) says, for showing to the person: see components/problem-view.tsx. */
export class ApiProblem extends Error {
  constructor(
    readonly title: string,
    readonly status: number,
    readonly detail?: string,
    readonly fields: { field?: string; message?: string }[] = [],
  ) {
    super(detail ?? title);
  }
}

/** A successful answer, with the GDPR warnings the API gave about what was just done. */
export interface Outcome<T> {
  data: T;
  warnings: string[];
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The API's `Doorway-Warning` header: where warnings travel when the body cannot hold them. */
const WARNING_HEADER = 'Doorway-Warning';

/**
 * Resolves an openapi-fetch call to its data and warnings, or throws an ApiProblem:
 * `const { data, warnings } = await unwrap(api.GET('/tenants/{tenant}/roles', { params }))`.
 */
export async function unwrap<T>(pending: Promise<Result<T>>): Promise<Outcome<T>> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (error) {
    throw new ApiProblem('network', 0, error instanceof Error ? error.message : undefined);
  }
  const { data, error, response } = result;
  if (!response.ok) throw problemOf(error, response);
  return { data: data as T, warnings: warningsOf(data, response) };
}

function problemOf(body: unknown, response: Response): ApiProblem {
  const p = (typeof body === 'object' && body !== null ? body : {}) as { title?: unknown; detail?: unknown; errors?: unknown };
  const fields = Array.isArray(p.errors) ? (p.errors as { field?: string; message?: string }[]) : [];
  const title = typeof p.title === 'string' ? p.title : response.statusText || `HTTP ${response.status}`;
  return new ApiProblem(title, response.status, typeof p.detail === 'string' ? p.detail : undefined, fields);
}

function warningsOf(body: unknown, response: Response): string[] {
  const inBody = (body as { warnings?: unknown } | undefined)?.warnings;
  if (Array.isArray(inBody)) return inBody.filter((w): w is string => typeof w === 'string');
  // Several header lines arrive joined by ", ", which a warning's own text may contain: shown as one text.
  const header = response.headers.get(WARNING_HEADER);
  return header ? [header] : [];
}
