import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

/** One answer of the admin API as a client saw it. `path` is relative to the API's prefix, query included. */
export interface ObservedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

type Response = { content?: Record<string, { schema?: unknown }> };
type Operation = { operationId: string; responses: Record<string, Response> };
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

const DOCUMENT_ID = 'https://doorway.invalid/admin/api/v1/openapi.json';

/** `/tenants/{tenant}/users/{userId}` as a pattern matching `/tenants/acme/users/usr_…` and nothing longer. */
function templatePattern(template: string): RegExp {
  const escaped = template.split(/\{\w+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^/]+')}$`);
}

/**
 * Checks answers against the OpenAPI document: the status is one the operation documents, the content type is
 * one documented for that status, and the body validates against its schema (JSON Schema 2020-12, the dialect
 * of OpenAPI 3.1). Returns what is wrong, in words; nothing when the answer keeps the contract. Requests that
 * name no documented operation (an unknown path, the document itself) are not this checker's to judge.
 */
export function contractChecker(document: OpenApiDocument): (response: ObservedResponse) => string[] {
  // Not strict: the document is not itself a schema, and its schemas may carry OpenAPI's own keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  formats.default(ajv);
  ajv.addSchema(document as object, DOCUMENT_ID);
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (pointer: string) => {
    let validate = compiled.get(pointer);
    if (!validate) compiled.set(pointer, (validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` })));
    return validate;
  };
  // Literal segments outrank parameters: `/tenants/{tenant}/settings` before `/tenants/{tenant}/{anything}`.
  const templates = Object.keys(document.paths)
    .map((template) => ({ template, pattern: templatePattern(template), literal: template.replace(/\{\w+\}/g, '').length }))
    .sort((x, y) => y.literal - x.literal);

  return function check(res) {
    const path = res.path.split('?')[0]!;
    const method = res.method.toLowerCase();
    const match = templates.find((t) => t.pattern.test(path) && document.paths[t.template]![method]);
    if (!match) return [];
    const operation = document.paths[match.template]![method]!;
    const where = `${res.method.toUpperCase()} ${res.path} (${operation.operationId}) answered ${res.status}`;
    const key = [String(res.status), `${String(res.status)[0]}XX`, 'default'].find((k) => operation.responses[k]);
    if (!key) return [`${where}: that status is not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
    const response = operation.responses[key]!;
    const documentedTypes = Object.keys(response.content ?? {});
    const mediaType = res.contentType?.split(';')[0]!.trim().toLowerCase() ?? null;
    if (!documentedTypes.length) {
      return res.body === undefined || res.body === '' ? [] : [`${where} with a ${mediaType ?? 'typeless'} body, but documents none`];
    }
    if (!mediaType || !documentedTypes.includes(mediaType)) return [`${where} as ${mediaType ?? 'no content type'}; documented: ${documentedTypes.join(', ')}`];
    if (response.content![mediaType]!.schema === undefined) return [];
    const pointer = ['', 'paths', match.template, method, 'responses', key, 'content', mediaType, 'schema']
      .map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1')))
      .join('/');
    const validate = validatorFor(pointer);
    if (validate(res.body)) return [];
    return (validate.errors ?? []).map((e) => `${where}: body${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  };
}
