import * as client from 'openid-client';
import { discoverClient, signIn } from '../support/sign-in.js';
import { ERROR_SCHEMA, GROUP_SCHEMA, PATCH_OP, setUpScimWorld, type ScimWorld } from './scim-world.js';

describe('SCIM: Groups are roles', () => {
  let w: ScimWorld;
  beforeAll(async () => {
    w = await setUpScimWorld();
  });
  afterAll(() => w.idp.close());

  const rolesInNewToken = async () => {
    const config = await discoverClient(w.idp.baseUrl, w.a);
    const { tokens } = await signIn(config, { email: w.a.user.email!, scope: 'openid roles' });
    return (tokens.claims() as client.IDToken & { roles?: string[] }).roles;
  };
  const patchGroup = (id: string, Operations: object[], ifMatch?: string) => w.scimA('PATCH', `/Groups/${id}`, { body: { schemas: [PATCH_OP], Operations }, ifMatch });

  it("lists the tenant's roles as groups with the users holding them", async () => {
    const res = await w.scimA('GET', `/Groups?filter=${encodeURIComponent('displayName eq "team_lead"')}`);
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0]).toMatchObject({ schemas: [GROUP_SCHEMA], id: 'team_lead', displayName: 'team_lead', members: [{ value: w.a.user.id, display: w.a.user.email }] });
    const user = await w.scimA('GET', `/Users/${w.a.user.id}`);
    expect(user.body.groups.map((g: { value: string }) => g.value)).toEqual(['employee', 'team_lead']);
  });

  it('creates a group with members: the role is defined and given, and a token issued afterwards carries it', async () => {
    const created = await w.scimA('POST', '/Groups', { body: { schemas: [GROUP_SCHEMA], displayName: 'engineers', members: [{ value: w.a.user.id }] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'engineers', members: [{ value: w.a.user.id }] });
    expect(created.headers.get('location')).toBe(`${w.idp.baseUrl}/t/tenant-a/scim/v2/Groups/engineers`);
    expect(await rolesInNewToken()).toEqual(['employee', 'team_lead', 'engineers']);
    expect((await w.call('GET', '/tenants/tenant-a/roles/engineers', w.adminA)).status).toBe(200);
  });

  it('adds and removes members by PATCH: role changes logged as user.updated, and tokens issued after reflect them', async () => {
    const bob = (await w.scimA('POST', '/Users', { body: { userName: 'bob@tenant-a.test' } })).body;
    const group = (await w.scimA('POST', '/Groups', { body: { displayName: 'on_call' } })).body;
    const added = await patchGroup('on_call', [{ op: 'add', path: 'members', value: [{ value: bob.id }, { value: w.a.user.id }] }], group.meta.version);
    expect(added.status).toBe(200);
    expect(added.body.members.map((m: { value: string }) => m.value).sort()).toEqual([bob.id, w.a.user.id].sort());
    expect(await rolesInNewToken()).toContain('on_call');
    expect((await patchGroup('on_call', [{ op: 'remove', path: 'members' }], group.meta.version)).status).toBe(412);

    const removed = await patchGroup('on_call', [{ op: 'remove', path: `members[value eq "${w.a.user.id}"]` }]);
    expect(removed.body.members.map((m: { value: string }) => m.value)).toEqual([bob.id]);
    expect(await rolesInNewToken()).not.toContain('on_call');
    const log = await w.call('GET', `/tenants/tenant-a/change-log?subject=${w.a.user.id}&action=user.updated`, w.auditorA);
    const [last] = log.body.items;
    expect(last).toMatchObject({ fields: ['roles'] });
    expect(last.actor).toMatch(/^service:/);
  });

  it('replaces the members with PUT and refuses a rename', async () => {
    const carol = (await w.scimA('POST', '/Users', { body: { userName: 'carol@tenant-a.test' } })).body;
    (await w.scimA('POST', '/Groups', { body: { displayName: 'readers', members: [{ value: w.a.user.id }] } })).body;
    const put = await w.scimA('PUT', '/Groups/readers', { body: { schemas: [GROUP_SCHEMA], displayName: 'readers', members: [{ value: carol.id }] } });
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([carol.id]);
    expect((await w.scimA('GET', `/Users/${w.a.user.id}`)).body.groups.map((g: { value: string }) => g.value)).not.toContain('readers');
    const rename = await w.scimA('PUT', '/Groups/readers', { body: { schemas: [GROUP_SCHEMA], displayName: 'writers', members: [] } });
    expect(rename.status).toBe(400);
    expect(rename.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'mutability' });
  });

  it.each([
    ['a member who is not a user of the tenant', { displayName: 'ghosts', members: [{ value: 'usr_nobodyhere000' }] }, 'invalidValue'],
    ['a name that is not a role name', { displayName: 'Sales Team' }, 'invalidValue'],
    ['no displayName', { members: [] }, 'invalidValue'],
  ])('refuses a group with %s', async (_case, body, scimType) => {
    const res = await w.scimA('POST', '/Groups', { body: { schemas: [GROUP_SCHEMA], ...body } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType });
    expect((await w.call('GET', '/tenants/tenant-a/roles/ghosts', w.adminA)).status).toBe(404);
  });

  it('refuses to give an admin role through a group', async () => {
    const res = await w.scimA('POST', '/Groups', { body: { displayName: 'tenant_admin', members: [{ value: w.a.user.id }] } });
    expect(res.status).toBe(403);
    expect((await w.call('GET', '/tenants/tenant-a/roles/tenant_admin', w.adminA)).status).toBe(404);
    expect((await w.scimA('GET', `/Users/${w.a.user.id}`)).body.groups.map((g: { value: string }) => g.value)).not.toContain('tenant_admin');
  });

  it('deletes a group: the role is taken from its members, then removed', async () => {
    (await w.scimA('POST', '/Groups', { body: { displayName: 'temps', members: [{ value: w.a.user.id }] } })).body;
    expect((await w.scimA('DELETE', '/Groups/temps')).status).toBe(204);
    expect((await w.scimA('GET', '/Groups/temps')).status).toBe(404);
    expect(await rolesInNewToken()).not.toContain('temps');
  });
});
