import { z } from 'zod';
import { ADMIN_API_PREFIX, adminApiRouter, adminAudience } from '../../src/admin-api/admin-api.js';
import type { RouteSpec } from '../../src/admin-api/route-spec.js';
import { adminRoutes } from '../../src/admin-api/routes/index.js';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { type TestIdp } from '../support/test-idp.js';

type Operation = {
  operationId: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: Record<string, any> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
};

/** The JSON schema of a zod schema, derived here on its own rather than through the code under test. */
const jsonSchemaOf = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** Path parameters that pass their schema; the body is validated before any handler looks them up. */
const SYNTACTIC_PARAMS: Record<string, string> = {
  tenant: 'tenant-a',
  userId: 'usr_0000000000',
  invitationId: 'inv_0000000000',
  permissionId: 'dpm_0000000000',
  doorKey: 'main-entrance',
  role: 'team_lead',
  clientId: 'tenant-a-app',
  resourceId: 'rsv_0000000000000000000000',
  export: 'exp_0000000000',
  lockId: 'lck_0000000000',
  idpId: 'idp_0000000000',
};

describe('admin API: the OpenAPI document', () => {
  let idp: TestIdp;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let routes: RouteSpec[];
  let document: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } };
  const operation = (route: RouteSpec) => document.paths[route.path]?.[route.method];

  beforeAll(async () => {
    ({ idp, call, tokens } = await setUpAdminWorld());
    routes = adminRoutes(idp.services, idp.config);
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    document = res.body;
  });
  afterAll(() => idp.close());

  it('declares OpenAPI 3.1 and is served to anyone', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('lists every route the router registers, with its method and path, and nothing else', () => {
    const deps = { publicUrl: idp.baseUrl, audience: adminAudience(idp.baseUrl), pool: idp.pool, services: idp.services, loadTenant: async () => null };
    const registered = adminApiRouter(routes, deps)
      .stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${layer.path}`))
      .filter((r) => r !== `GET ${ADMIN_API_PREFIX}/openapi.json`);
    const documented = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${ADMIN_API_PREFIX}${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(registered.length).toBe(routes.length);
    expect(documented.sort()).toEqual(registered.sort());
    for (const route of routes) expect([route.path, route.method, operation(route)?.operationId]).toEqual([route.path, route.method, route.operationId]);
  });

  it("names each route's path parameters as required path parameters", () => {
    for (const route of routes) {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = operation(route)!.parameters.filter((p) => p.in === 'path');
      expect([route.operationId, declared.map((p) => p.name).sort()]).toEqual([route.operationId, names.sort()]);
      expect(declared.every((p) => p.required)).toBe(true);
    }
  });

  it('gives each request body the JSON schema of the very zod schema that validates it', () => {
    expect(routes.filter((r) => r.body).length).toBeGreaterThan(10);
    for (const route of routes) {
      const body = operation(route)!.requestBody;
      if (!route.body) {
        expect([route.operationId, body]).toEqual([route.operationId, undefined]);
        continue;
      }
      expect([route.operationId, body!.content['application/json']!.schema]).toEqual([route.operationId, jsonSchemaOf(route.body)]);
    }
  });

  it('validates each body as its documented schema says: unknown properties and missing required ones are refused, by name', async () => {
    let checked = 0;
    for (const route of routes.filter((r) => r.body)) {
      const schema = operation(route)!.requestBody!.content['application/json']!.schema;
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => SYNTACTIC_PARAMS[name] ?? `{unknown parameter ${name}}`);
      const token = route.access.scope === 'platform' ? tokens.operator : tokens.adminA;
      const send = async (body: unknown) => {
        const res = await call(route.method.toUpperCase(), path, token, body);
        expect([route.operationId, res.status, res.body.type]).toEqual([route.operationId, 400, 'urn:doorway:problem:validation']);
        return res.body.errors.map((e: { field: string }) => e.field) as string[];
      };
      if (schema.additionalProperties === false) {
        expect([route.operationId, await send({ not_in_the_document: 1 })]).toEqual([route.operationId, expect.arrayContaining(['body'])]);
        checked += 1;
      }
      if (schema.minProperties === 1) {
        expect([route.operationId, await send({})]).toEqual([route.operationId, ['body']]);
        checked += 1;
      }
      for (const name of (schema.required ?? []) as string[]) {
        expect([route.operationId, await send({})]).toEqual([route.operationId, expect.arrayContaining([`body.${name}`])]);
        checked += 1;
      }
    }
    // Schemas the checks above cannot read (a $ref, an allOf) would check nothing: they must have read most.
    expect(checked).toBeGreaterThan(10);
  });

  it('says of every PATCH body that it changes something: at least one property, or a required one', () => {
    const patches = routes.filter((r) => r.method === 'patch');
    expect(patches.length).toBeGreaterThan(5);
    for (const route of patches) {
      const schema = operation(route)!.requestBody!.content['application/json']!.schema;
      expect([route.operationId, schema.minProperties === 1 || (schema.required ?? []).length > 0]).toEqual([route.operationId, true]);
    }
  });

  it('documents `warnings` where a route gives them: in the JSON body and as the Doorway-Warning header', () => {
    const warning = (route: RouteSpec) => Object.entries(route.responses).filter(([, r]) => r.warns);
    expect(routes.filter((r) => warning(r).length).map((r) => r.operationId)).toEqual(expect.arrayContaining(['createUser', 'updateTenant', 'exportChangeLog', 'exportUser']));
    for (const route of routes) {
      for (const [status, r] of warning(route)) {
        const response = operation(route)!.responses[status] as { headers?: Record<string, unknown>; content?: Record<string, { schema: Record<string, any> }> };
        expect([route.operationId, Object.keys(response.headers ?? {})]).toEqual([route.operationId, ['Doorway-Warning']]);
        const json = response.content?.['application/json']?.schema;
        if (r.schema) expect([route.operationId, json?.properties?.warnings]).toEqual([route.operationId, expect.objectContaining({ type: 'array', items: { type: 'string' } })]);
      }
    }
  });

  it("describes every route's problem responses as problem+json, its own error statuses among them", () => {
    const problemRef = { $ref: '#/components/schemas/Problem' };
    expect(document.components.schemas.Problem.required).toEqual(['type', 'title', 'status']);
    for (const route of routes) {
      const { responses } = operation(route)!;
      const own = Object.keys(route.responses).filter((s) => Number(s) >= 400);
      for (const status of new Set(['400', '401', '403', '404', ...own])) {
        const response = responses[status];
        expect([route.operationId, status, response?.content?.['application/problem+json']?.schema]).toEqual([route.operationId, status, problemRef]);
        expect(response!.description.length).toBeGreaterThan(5);
      }
      for (const status of own) expect(responses[status]!.description).toBe(route.responses[Number(status)]!.description);
    }
  });

  it('documents the refresh token reuse interval, its bounds, and what it means', () => {
    const byId = (id: string) => operation(routes.find((r) => r.operationId === id)!)!;
    const taken = byId('updateTenantSettings').requestBody!.content['application/json']!.schema;
    expect(taken.properties.refresh_token_reuse_interval).toMatchObject({ type: 'integer', minimum: 0, maximum: 60 });
    const shown = byId('getTenantSettings').responses['200']!.content!['application/json']!.schema as Record<string, any>;
    const resolved = shown.$ref ? document.components.schemas[String(shown.$ref).split('/').pop()!] : shown;
    expect(resolved.properties.refresh_token_reuse_interval).toMatchObject({ type: 'number', description: expect.stringContaining('retrying a lost response') });
  });

  it('answers problems that the Problem schema describes', async () => {
    const res = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'nope' });
    const { properties, required } = document.components.schemas.Problem;
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    for (const key of required as string[]) expect(res.body).toHaveProperty(key);
    expect(Object.keys(res.body).filter((k) => !(k in properties))).toEqual([]);
  });
});
