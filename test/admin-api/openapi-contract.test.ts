import { adminClient, ContractViolation, type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { contractChecker, type ObservedResponse, type OpenApiDocument } from '../support/openapi-contract.js';
import { type TestIdp } from '../support/test-idp.js';

/**
 * The checker every admin API spec's answers pass through (test/support/admin.ts) can fail: it is shown real
 * answers, then the same answers bent in each way the document forbids.
 */
describe('admin API: answers are held to the OpenAPI document', () => {
  let idp: TestIdp;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let document: OpenApiDocument;
  let check: ReturnType<typeof contractChecker>;
  let tenant: ObservedResponse;

  const observe = async (method: string, path: string, token?: string, body?: unknown): Promise<ObservedResponse> => {
    const res = await call(method, path, token, body);
    return { method, path, status: res.status, contentType: res.headers.get('content-type'), body: res.body };
  };

  beforeAll(async () => {
    ({ idp, call, tokens } = await setUpAdminWorld());
    document = (await call('GET', '/openapi.json')).body;
    check = contractChecker(document);
    tenant = await observe('GET', '/tenants/tenant-a', tokens.adminA);
  });
  afterAll(() => idp.close());

  it('passes answers that keep the contract: an object, a problem, an empty 204, a stream', async () => {
    const answers = [
      tenant,
      await observe('GET', '/tenants/tenant-b', tokens.adminA),
      await observe('POST', '/tenants/tenant-a/roles', tokens.adminA, { name: 'kept_role' }),
      await observe('DELETE', '/tenants/tenant-a/roles/kept_role', tokens.adminA),
      await observe('GET', '/tenants/tenant-a/change-log/export?format=csv', tokens.auditorA),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 201, 204, 200]);
    expect(answers.flatMap(check)).toEqual([]);
  });

  it('names a status the operation does not document', () => {
    expect(check({ ...tenant, status: 418 })).toEqual([expect.stringMatching(/GET \/tenants\/tenant-a \(getTenant\) answered 418: that status is not documented/)]);
  });

  it('names a property the schema does not allow', () => {
    expect(check({ ...tenant, body: { ...(tenant.body as object), surprise: true } })).toEqual([expect.stringMatching(/additional properties \(surprise\)/)]);
  });

  it('names a property of the wrong type, and one missing', () => {
    const { created_at: _dropped, ...rest } = tenant.body as Record<string, unknown>;
    expect(check({ ...tenant, body: { ...rest, name: 42 } }).sort()).toEqual([
      expect.stringMatching(/body must have required property 'created_at'/),
      expect.stringMatching(/body\/name must be string/),
    ]);
  });

  it('holds problems to the Problem schema, and a media type to the documented ones', async () => {
    const notFound = await observe('GET', '/tenants/tenant-b', tokens.adminA);
    expect(check({ ...notFound, body: { ...(notFound.body as object), status: '404' } })).toEqual([expect.stringMatching(/body\/status must be integer/)]);
    expect(check({ ...tenant, contentType: 'text/html; charset=utf-8' })).toEqual([expect.stringMatching(/as text\/html; documented: application\/json/)]);
  });

  it('refuses a body where the document promises none', async () => {
    await call('POST', '/tenants/tenant-a/roles', tokens.adminA, { name: 'gone_role' });
    const deleted = await observe('DELETE', '/tenants/tenant-a/roles/gone_role', tokens.adminA);
    expect(deleted.status).toBe(204);
    expect(check({ ...deleted, contentType: 'application/json', body: { deleted: true } })).toEqual([expect.stringMatching(/answered 204 with a application\/json body, but documents none/)]);
  });

  it('fails the spec that meets such an answer: the harness client throws on it', async () => {
    const withoutOk = structuredClone(document) as OpenApiDocument;
    delete withoutOk.paths['/tenants/{tenant}']!.get!.responses['200'];
    const strict = adminClient(idp, { document: withoutOk });
    const answer = strict('GET', '/tenants/tenant-a', tokens.adminA);
    await expect(answer).rejects.toThrow(ContractViolation);
    await expect(strict('GET', '/tenants/tenant-a', tokens.adminA)).rejects.toThrow(/\(getTenant\) answered 200: that status is not documented/);
  });
});
