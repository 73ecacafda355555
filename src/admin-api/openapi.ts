import { z } from 'zod';
import { WARNING_HEADER, type ResponseSpec, type RouteSpec } from './route-spec.js';

const PROBLEM = {
  type: 'object',
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    request_id: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
  required: ['type', 'title', 'status'],
};

/** What any route may answer: bad input, no valid token, a caller without the role, a foreign tenant or id, an outage. */
const COMMON_PROBLEMS = {
  400: 'Invalid input: `errors` names each field',
  401: 'No valid access token for the admin API',
  403: 'The caller may not do this',
  404: 'No such resource in this tenant, or a tenant the caller does not belong to',
  // Any route reads the database; an outage is answered, never hung on (src/errors, DB_*_TIMEOUT_MS).
  503: 'The database cannot be reached or did not answer in time: nothing was changed; retry after `Retry-After` seconds',
};

/** A body-less request cannot be too large; any other may be refused before its route sees it. */
const BODY_TOO_LARGE = 'The body is larger than the admin API reads (1 MB)';

const WARNINGS = {
  type: 'array',
  items: { type: 'string' },
  description: 'GDPR consequences of what was just done, for the admin who did it; absent when there are none',
};

function problem(description: string) {
  return { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function success(r: ResponseSpec): Record<string, unknown> {
  const content: Record<string, { schema: Record<string, unknown> }> = {};
  if (r.schema) {
    const schema = jsonSchema(r.schema, 'output');
    // The warnings go into the body beside the object's own properties (admin-api.ts, respond).
    if (r.warns && schema.type === 'object') schema.properties = { ...(schema.properties as object), warnings: WARNINGS };
    content['application/json'] = { schema };
  }
  for (const type of r.stream ?? []) content[type] = { schema: { type: 'string' } };
  return {
    description: r.description,
    ...(r.warns ? { headers: { [WARNING_HEADER]: { description: `${WARNINGS.description}; one header per warning`, schema: { type: 'string' } } } } : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/** The OpenAPI 3.1 document, generated from the same route specs that validate requests. */
export function buildOpenApi(routes: readonly RouteSpec[], serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      // Every error is rendered by the one error middleware, so a route's own error statuses are problems too.
      responses[status] = Number(status) >= 400 ? problem(r.description) : success(r);
    }
    for (const [status, description] of Object.entries(COMMON_PROBLEMS)) responses[status] ??= problem(description);
    if (route.body) responses[413] ??= problem(BODY_TOO_LARGE);
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      'x-access': route.access,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Doorway admin API', version: '1.0.0' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: PROBLEM },
    },
    paths,
  };
}
