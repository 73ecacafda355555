import { ERROR_SCHEMA, GROUP_SCHEMA, setUpScimWorld, USER_SCHEMA, type ScimWorld } from './scim-world.js';

describe('SCIM: discovery (RFC 7644 §4)', () => {
  let w: ScimWorld;
  beforeAll(async () => {
    w = await setUpScimWorld();
  });
  afterAll(() => w.idp.close());

  it('says what is supported: PATCH, ETags, filters (eq only), no bulk, sort or password change', async () => {
    const res = await w.scimA('GET', '/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      etag: { supported: true },
      filter: { supported: true, maxResults: 200 },
      bulk: { supported: false },
      sort: { supported: false },
      changePassword: { supported: false },
      authenticationSchemes: [{ type: 'oauthbearertoken' }],
    });
  });

  it('lists the resource types and the schemas, each also by id', async () => {
    const types = await w.scimA('GET', '/ResourceTypes');
    expect(types.body.Resources.map((t: { id: string; endpoint: string; schema: string }) => [t.id, t.endpoint, t.schema])).toEqual([
      ['User', '/Users', USER_SCHEMA],
      ['Group', '/Groups', GROUP_SCHEMA],
    ]);
    expect((await w.scimA('GET', '/ResourceTypes/Group')).body.endpoint).toBe('/Groups');
    const schemas = await w.scimA('GET', '/Schemas');
    expect(schemas.body.totalResults).toBe(2);
    const user = await w.scimA('GET', `/Schemas/${USER_SCHEMA}`);
    expect(user.body.attributes.map((a: { name: string }) => a.name)).toEqual(['userName', 'name', 'displayName', 'emails', 'phoneNumbers', 'locale', 'active', 'groups']);
    const missing = await w.scimA('GET', '/Schemas/urn:nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.schemas).toEqual([ERROR_SCHEMA]);
  });
});
