import { serviceToken } from '../support/admin.js';
import { ERROR_SCHEMA, scimClient, setUpScimWorld, type ScimWorld } from './scim-world.js';

describe('SCIM: tenant isolation and who may call', () => {
  let w: ScimWorld;
  beforeAll(async () => {
    w = await setUpScimWorld();
  });
  afterAll(() => w.idp.close());

  it("answers tenant A's token at tenant B's endpoint with 401, whatever is asked, telling nothing of B", async () => {
    const atB = scimClient(w.idp.baseUrl, 'tenant-b', w.tokenA);
    const answers = new Set<string>();
    for (const path of ['/Users', `/Users/${w.b.user.id}`, '/Users/usr_doesnotexist00', '/Groups', '/Groups/team_lead', '/ServiceProviderConfig']) {
      const b = await atB('GET', path);
      expect(b.status).toBe(401);
      expect(b.body.schemas).toEqual([ERROR_SCHEMA]);
      answers.add(JSON.stringify(b.body));
      expect(JSON.stringify(b.body)).not.toContain(w.b.user.email);
    }
    expect(answers.size).toBe(1);
    const write = await atB('POST', '/Users', { body: { userName: 'intruder@tenant-b.test' } });
    expect(write.status).toBe(401);
    expect(await w.idp.services.users.count(w.b.tenant, { email: 'intruder@tenant-b.test' })).toBe(0);
  });

  it("finds nothing of tenant B through tenant A's endpoint: not by id, not by email", async () => {
    expect((await w.scimA('GET', `/Users/${w.b.user.id}`)).status).toBe(404);
    const byEmail = await w.scimA('GET', `/Users?filter=${encodeURIComponent(`userName eq "${w.b.user.email}"`)}`);
    expect(byEmail.body).toMatchObject({ totalResults: 0, Resources: [] });
    const byId = await w.scimA('GET', `/Users?filter=${encodeURIComponent(`id eq "${w.b.user.id}"`)}`);
    expect(byId.body).toMatchObject({ totalResults: 0, Resources: [] });
    const all = await w.scimA('GET', '/Users?count=200');
    expect(all.body.Resources.map((u: { id: string }) => u.id)).not.toContain(w.b.user.id);
    expect((await w.scimA('PATCH', `/Users/${w.b.user.id}`, { body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] } })).status).toBe(404);
    expect((await w.scimA('DELETE', `/Users/${w.b.user.id}`)).status).toBe(404);
    expect((await w.idp.services.users.getById(w.b.tenant, w.b.user.id)).status).toBe('active');
  });

  it('answers 401 without a token, and with one that is not a valid access token', async () => {
    for (const token of [null, 'not-a-jwt', `${w.tokenA.slice(0, -4)}AAAA`]) {
      const res = await w.scimA('GET', '/Users', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    }
  });

  it('refuses with 403 a service account of the tenant that was not given scim_provisioner, even a tenant admin', async () => {
    for (const roles of [['user_manager'], ['tenant_admin']]) {
      const other = scimClient(w.idp.baseUrl, 'tenant-a', await serviceToken(w.idp, w.a.tenant, roles));
      const res = await other('GET', '/Users');
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '403' });
    }
  });

  it('gives scim_provisioner only by a tenant admin, warning of what it allows', async () => {
    const app = { client_name: 'Directory sync', grant_types: ['client_credentials'], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic', service_roles: ['scim_provisioner'] };
    const manager = await serviceToken(w.idp, w.a.tenant, ['user_manager']);
    expect((await w.call('POST', '/tenants/tenant-a/clients', manager, app)).status).toBe(403);
    const created = await w.call('POST', '/tenants/tenant-a/clients', w.adminA, app);
    expect(created.body).toMatchObject({ service_roles: ['scim_provisioner'] });
    expect(created.body.warnings.join(' ')).toMatch(/scim_provisioner role lets this service account/);
  });
});
