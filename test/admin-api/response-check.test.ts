import { z } from 'zod';
import { checkResponse, UndocumentedResponseError } from '../../src/admin-api/response-check.js';
import { defineRoute, type RouteResult } from '../../src/admin-api/route-spec.js';

/** The guard's own check of a route's answer against its spec, on outside production. */
describe('admin API: a route answers only what its spec documents', () => {
  const route = defineRoute({
    method: 'post',
    path: '/tenants/{tenant}/things',
    operationId: 'createThing',
    summary: 'Create a thing',
    tag: 'things',
    access: { scope: 'platform' },
    responses: {
      201: { description: 'Created', schema: z.object({ id: z.string(), count: z.number() }), warns: true },
      202: { description: 'Queued', schema: z.object({ id: z.string() }) },
      204: { description: 'Nothing to show' },
      409: { description: 'Taken' },
    },
    handler: () => ({}),
  });
  const refusal = (result: RouteResult) => {
    try {
      checkResponse(route, result);
    } catch (error) {
      if (error instanceof UndocumentedResponseError) return error.message;
      throw error;
    }
    return undefined;
  };

  it('passes documented answers: a body its schema parses, warnings where documented, an empty 204', () => {
    expect(refusal({ status: 201, body: { id: 'x', count: 1 }, warnings: ['careful'] })).toBeUndefined();
    expect(refusal({ status: 202, body: { id: 'x' } })).toBeUndefined();
    expect(refusal({})).toBeUndefined();
  });

  it('refuses a status the spec does not list, and an error status given as a success', () => {
    expect(refusal({ status: 200, body: { id: 'x' } })).toBe('createThing answered 200: a status its spec does not document');
    expect(refusal({ status: 409, body: { id: 'x' } })).toBe('createThing answered 409: a status its spec does not document');
  });

  it('refuses a body of the wrong shape, naming the property', () => {
    expect(refusal({ status: 201, body: { id: 'x', count: '1' } })).toMatch(/^createThing answered 201: a body its schema refuses \(body\.count: .*number/);
  });

  it('refuses warnings, a body or a stream where the spec has none', () => {
    expect(refusal({ status: 202, body: { id: 'x' }, warnings: ['careful'] })).toBe('createThing answered 202: warnings its spec does not document');
    expect(refusal({ status: 204, body: { id: 'x' } })).toBe('createThing answered 204: a body its spec does not document');
    expect(refusal({ status: 202, stream: { type: 'text/csv', data: [] as unknown as AsyncIterable<string> } })).toBe('createThing answered 202: a text/csv stream its spec does not document');
  });
});
