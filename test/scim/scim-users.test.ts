import { ERROR_SCHEMA, PATCH_OP, setUpScimWorld, USER_SCHEMA, type ScimWorld } from './scim-world.js';

describe('SCIM: Users', () => {
  let w: ScimWorld;
  beforeAll(async () => {
    w = await setUpScimWorld();
  });
  afterAll(() => w.idp.close());

  const newUser = (email: string, extra: Record<string, unknown> = {}) => ({
    schemas: [USER_SCHEMA],
    userName: email,
    name: { formatted: 'Dana Dahl', givenName: 'Dana', familyName: 'Dahl' },
    emails: [{ value: email, primary: true, type: 'work' }],
    active: true,
    ...extra,
  });
  const actions = async (id: string) =>
    (await w.call('GET', `/tenants/tenant-a/change-log?subject=${id}`, w.auditorA)).body.items.map((e: { action: string; actor: string }) => `${e.action} by ${e.actor.split(':')[0]}`);

  it('creates a user, answering the resource with its location and version, and logs the change as the admin API does', async () => {
    const res = await w.scimA('POST', '/Users', { body: newUser('Dana@Tenant-A.test', { locale: 'sv', phoneNumbers: [{ value: '+46 70 123 45 67' }] }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({
      schemas: [USER_SCHEMA],
      userName: 'dana@tenant-a.test',
      name: { formatted: 'Dana Dahl', givenName: 'Dana', familyName: 'Dahl' },
      emails: [{ value: 'dana@tenant-a.test', primary: true }],
      phoneNumbers: [{ value: '+46 70 123 45 67' }],
      locale: 'sv',
      active: true,
      meta: { resourceType: 'User' },
    });
    expect(res.headers.get('location')).toBe(`${w.idp.baseUrl}/t/tenant-a/scim/v2/Users/${res.body.id}`);
    expect(res.headers.get('etag')).toBe(res.body.meta.version);
    expect(await actions(res.body.id)).toEqual(['user.created by service']);
    const viaAdmin = await w.call('GET', `/tenants/tenant-a/users/${res.body.id}`, w.adminA);
    expect(viaAdmin.body).toMatchObject({ email: 'dana@tenant-a.test', name: 'Dana Dahl', locale: 'sv', status: 'active' });
  });

  it('refuses a second user with the same email as a uniqueness conflict', async () => {
    const res = await w.scimA('POST', '/Users', { body: newUser(w.a.user.email!) });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
  });

  it.each([
    ['no userName or email', { schemas: [USER_SCHEMA], name: { givenName: 'X' } }, 'invalidValue'],
    ['userName different from the primary email', newUser('one@tenant-a.test', { userName: 'two@tenant-a.test' }), 'invalidValue'],
    ['an unknown locale', newUser('loc@tenant-a.test', { locale: 'xx' }), 'invalidValue'],
    ['active as a string', newUser('act@tenant-a.test', { active: 'yes' }), 'invalidValue'],
    ['a body that is not JSON', '{"userName": ', 'invalidSyntax'],
  ])('answers 400 %s with scimType %s', async (_case, body, scimType) => {
    const res = await w.scimA('POST', '/Users', { body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType });
  });

  it('answers 400 invalidSyntax to a body that is not JSON by its content type', async () => {
    const res = await fetch(`${w.idp.baseUrl}/t/tenant-a/scim/v2/Users`, { method: 'POST', headers: { authorization: `Bearer ${w.tokenA}`, 'content-type': 'text/plain' }, body: 'userName=x' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidSyntax' });
  });

  it('finds users with eq on userName and emails.value through the keyed hash, case-insensitively', async () => {
    for (const filter of [`userName eq "${w.a.user.email}"`, `emails.value eq "ALICE@tenant-a.test"`, `emails[value eq "${w.a.user.email}"]`]) {
      const res = await w.scimA('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
      expect(res.body.Resources.map((u: { id: string }) => u.id)).toEqual([w.a.user.id]);
    }
    const none = await w.scimA('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@tenant-a.test"')}`);
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it.each(['userName sw "alice"', 'emails.value co "tenant-a"', 'userName eq "a@x.test" or userName eq "b@x.test"', 'name.familyName eq "Andersen"', 'userName eq'])(
    'refuses the filter %s with invalidFilter',
    async (filter) => {
      const res = await w.scimA('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidFilter' });
    },
  );

  it('pages with startIndex and count, and counts every user in totalResults', async () => {
    for (const n of [1, 2, 3]) expect((await w.scimA('POST', '/Users', { body: newUser(`page${n}@tenant-a.test`) })).status).toBe(201);
    const all = await w.scimA('GET', '/Users?count=200');
    const total = all.body.totalResults as number;
    expect(all.body.Resources).toHaveLength(total);
    const ids = all.body.Resources.map((u: { id: string }) => u.id);
    const second = await w.scimA('GET', '/Users?startIndex=2&count=2');
    expect(second.body).toMatchObject({ totalResults: total, startIndex: 2, itemsPerPage: 2 });
    expect(second.body.Resources.map((u: { id: string }) => u.id)).toEqual(ids.slice(1, 3));
    const past = await w.scimA('GET', `/Users?startIndex=${total + 1}`);
    expect(past.body).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
  });

  it('replaces a user with PUT, removing what the new resource leaves out, honouring If-Match', async () => {
    const created = (await w.scimA('POST', '/Users', { body: newUser('eve@tenant-a.test', { phoneNumbers: [{ value: '+4512345678' }] }) })).body;
    const stale = await w.scimA('PUT', `/Users/${created.id}`, { body: newUser('eve@tenant-a.test'), ifMatch: 'W/"not-this-one"' });
    expect(stale.status).toBe(412);
    expect((await w.scimA('GET', `/Users/${created.id}`)).body.phoneNumbers).toEqual([{ value: '+4512345678', type: 'work' }]);

    const put = await w.scimA('PUT', `/Users/${created.id}`, { body: newUser('eve.new@tenant-a.test', { name: { givenName: 'Eve' } }), ifMatch: created.meta.version });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ userName: 'eve.new@tenant-a.test', name: { givenName: 'Eve' }, active: true });
    expect(put.body).not.toHaveProperty('phoneNumbers');
    expect(put.body.name).not.toHaveProperty('familyName');
    expect(put.body.meta.version).not.toBe(created.meta.version);
    const [update] = (await w.call('GET', `/tenants/tenant-a/change-log?subject=${created.id}&action=user.updated`, w.auditorA)).body.items;
    expect(update.fields.sort()).toEqual(['email', 'emailVerified', 'familyName', 'givenName', 'name', 'phone']);
    expect(JSON.stringify(update)).not.toContain('eve.new');
  });

  it('patches active, name and emails; deactivation locks the user and reactivation unlocks them', async () => {
    const created = (await w.scimA('POST', '/Users', { body: newUser('finn@tenant-a.test') })).body;
    const patch = (Operations: object[], ifMatch?: string) => w.scimA('PATCH', `/Users/${created.id}`, { body: { schemas: [PATCH_OP], Operations }, ifMatch });

    const off = await patch([{ op: 'replace', path: 'active', value: false }], created.meta.version);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await w.call('GET', `/tenants/tenant-a/users/${created.id}`, w.adminA)).body.status).toBe('locked');
    expect((await patch([{ op: 'replace', path: 'active', value: true }], created.meta.version)).status).toBe(412);

    const on = await patch([{ op: 'Replace', value: { active: true, 'name.givenName': 'Finnur' } }]);
    expect(on.body).toMatchObject({ active: true, name: { givenName: 'Finnur', familyName: 'Dahl' } });
    const mail = await patch([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'finnur@tenant-a.test' }, { op: 'replace', path: 'userName', value: 'finnur@tenant-a.test' }]);
    expect(mail.status).toBe(200);
    expect(mail.body).toMatchObject({ userName: 'finnur@tenant-a.test', emails: [{ value: 'finnur@tenant-a.test' }] });
    expect(await actions(created.id)).toEqual(['user.updated by service', 'user.unlocked by service', 'user.updated by service', 'user.locked by service', 'user.created by service']);
  });

  it.each([
    ['an unknown op', { schemas: [PATCH_OP], Operations: [{ op: 'move', path: 'active', value: true }] }],
    ['no PatchOp schema', { Operations: [{ op: 'replace', path: 'active', value: false }] }],
    ['no operations', { schemas: [PATCH_OP], Operations: [] }],
    ['a value of the wrong type', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: 'no' }] }],
    ['a change of the read-only groups', { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'groups', value: [{ value: 'tenant_admin' }] }] }],
  ])('answers 400 to a PATCH with %s', async (_case, body) => {
    const res = await w.scimA('PATCH', `/Users/${w.a.user.id}`, { body });
    expect(res.status).toBe(400);
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(typeof res.body.scimType).toBe('string');
    expect((await w.scimA('GET', `/Users/${w.a.user.id}`)).body).toMatchObject({ active: true, groups: [{ value: 'employee' }, { value: 'team_lead' }] });
  });

  it('answers 404 as a SCIM error for an unknown user', async () => {
    const res = await w.scimA('GET', '/Users/usr_doesnotexist00');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
  });

  it('deprovisions by locking by default, and by erasing when the tenant setting says so', async () => {
    const kept = (await w.scimA('POST', '/Users', { body: newUser('gus@tenant-a.test') })).body;
    expect((await w.scimA('DELETE', `/Users/${kept.id}`, { ifMatch: 'W/"old"' })).status).toBe(412);
    expect((await w.scimA('DELETE', `/Users/${kept.id}`)).status).toBe(204);
    expect((await w.scimA('GET', `/Users/${kept.id}`)).body.active).toBe(false);
    expect((await w.call('GET', `/tenants/tenant-a/users/${kept.id}`, w.adminA)).body.status).toBe('locked');

    const setting = await w.call('PATCH', '/tenants/tenant-a/settings', w.adminA, { scim_deprovisioning: 'erase' });
    expect(setting.status).toBe(200);
    expect(setting.body.scim_deprovisioning).toBe('erase');
    expect(setting.body.warnings.join(' ')).toMatch(/SCIM DELETE will now erase/);
    const gone = (await w.scimA('POST', '/Users', { body: newUser('hal@tenant-a.test') })).body;
    expect((await w.scimA('DELETE', `/Users/${gone.id}`)).status).toBe(204);
    expect((await w.scimA('GET', `/Users/${gone.id}`)).status).toBe(404);
    expect(await actions(gone.id)).toEqual(['user.deleted by service', 'user.created by service']);
    await w.call('PATCH', '/tenants/tenant-a/settings', w.adminA, { scim_deprovisioning: 'deactivate' });
  });

  it('leaves a user holding an admin role to a tenant admin', async () => {
    const admin = (await w.call('POST', '/tenants/tenant-a/users', w.adminA, { email: 'boss@tenant-a.test', roles: ['tenant_admin'] })).body;
    const res = await w.scimA('DELETE', `/Users/${admin.id}`);
    expect(res.status).toBe(403);
    expect(res.body.schemas).toEqual([ERROR_SCHEMA]);
    expect((await w.call('GET', `/tenants/tenant-a/users/${admin.id}`, w.adminA)).body.status).toBe('active');
  });
});
