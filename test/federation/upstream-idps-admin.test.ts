import { setUpAdminWorld, type AdminWorld } from '../support/admin.js';

const UPSTREAM = {
  name: 'Corp',
  issuer: 'https://login.corp.example/',
  client_id: 'doorway-at-corp',
  client_secret: 'a-secret-of-our-client-at-corp',
  email_domains: ['Corp.Example'],
  jit_create: true,
  role_mappings: [{ claim: 'groups', value: 'Door admins', role: 'door_admin' }],
};

describe('admin API: upstream OpenID providers of a tenant', () => {
  let world: AdminWorld;

  beforeAll(async () => {
    world = await setUpAdminWorld();
  });

  afterAll(async () => {
    await world?.idp.close();
  });

  const path = (slug: string, id = '') => `/tenants/${slug}/upstream-idps${id ? `/${id}` : ''}`;

  it('keeps the client secret sealed: written, used, never answered', async () => {
    const { call, tokens, a, idp } = world;
    const created = await call('POST', path('tenant-a'), tokens.adminA, UPSTREAM);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Corp',
      issuer: 'https://login.corp.example',
      client_id: 'doorway-at-corp',
      scopes: ['openid', 'email', 'profile'],
      email_domains: ['corp.example'],
      jit_create: true,
      role_mappings: [{ claim: 'groups', value: 'Door admins', role: 'door_admin' }],
      link_existing_users: 'never',
      require_for_domains: true,
      redirect_uri: `${idp.baseUrl}/t/tenant-a/federation/callback`,
    });
    const listed = await call('GET', path('tenant-a'), tokens.adminA);
    const read = await call('GET', path('tenant-a', created.body.id), tokens.adminA);
    for (const answer of [created, listed, read]) expect(JSON.stringify(answer.body)).not.toContain(UPSTREAM.client_secret);
    const stored = await idp.db.models.upstreamIdps.findOne({ tenantId: a.tenant._id, _id: created.body.id }).lean();
    expect(JSON.stringify(stored)).not.toContain(UPSTREAM.client_secret);
    expect(idp.services.upstreamIdps.secretOf(stored!)).toBe(UPSTREAM.client_secret);

    const changed = await call('PATCH', path('tenant-a', created.body.id), tokens.adminA, { client_secret: 'the-next-secret', jit_create: false });
    expect(changed.body).toMatchObject({ jit_create: false, client_id: 'doorway-at-corp' });
    const restored = await idp.db.models.upstreamIdps.findOne({ tenantId: a.tenant._id, _id: created.body.id }).lean();
    expect(idp.services.upstreamIdps.secretOf(restored!)).toBe('the-next-secret');

    expect((await call('DELETE', path('tenant-a', created.body.id), tokens.adminA)).status).toBe(204);
    expect((await call('GET', path('tenant-a', created.body.id), tokens.adminA)).status).toBe(404);
  });

  it("keeps tenant A's providers out of tenant B's sight and reach", async () => {
    const { call, tokens } = world;
    const created = await call('POST', path('tenant-a'), tokens.adminA, UPSTREAM);
    expect((await call('GET', path('tenant-b'), tokens.adminB)).body).toEqual({ items: [] });
    expect((await call('GET', path('tenant-b', created.body.id), tokens.adminB)).status).toBe(404);
    expect((await call('PATCH', path('tenant-b', created.body.id), tokens.adminB, { name: 'Mine' })).status).toBe(404);
    expect((await call('DELETE', path('tenant-b', created.body.id), tokens.adminB)).status).toBe(404);
    expect((await call('GET', path('tenant-a'), tokens.adminB)).status).toBe(404);
    expect((await call('GET', path('tenant-a', created.body.id), tokens.adminA)).body.name).toBe('Corp');
  });

  it('refuses plain http across a network, a missing secret, and callers who are not tenant admins', async () => {
    const { call, tokens } = world;
    const plain = await call('POST', path('tenant-a'), tokens.adminA, { ...UPSTREAM, issuer: 'http://login.corp.example' });
    expect(plain.status).toBe(400);
    expect(plain.headers.get('content-type')).toContain('application/problem+json');
    const { client_secret: _secret, ...withoutSecret } = UPSTREAM;
    expect((await call('POST', path('tenant-a'), tokens.adminA, withoutSecret)).status).toBe(400);
    expect((await call('GET', path('tenant-a'), tokens.managerA)).status).toBe(403);
  });

  it('links existing users only for a provider with email domains: refused on, and the domains kept, without them', async () => {
    const { call, tokens } = world;
    const { email_domains: _domains, ...withoutDomains } = UPSTREAM;
    const refused = await call('POST', path('tenant-a'), tokens.adminA, { ...withoutDomains, link_existing_users: 'verified_email_in_domains' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'body.link_existing_users', message: expect.stringContaining('needs email_domains') }]);
    const both = await call('POST', path('tenant-a'), tokens.adminA, { ...UPSTREAM, email_domains: [], link_existing_users: 'verified_email_in_domains' });
    expect(both.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.link_existing_users', 'body.email_domains']);

    const created = await call('POST', path('tenant-a'), tokens.adminA, { ...UPSTREAM, link_existing_users: 'verified_email_in_domains', require_for_domains: false });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ link_existing_users: 'verified_email_in_domains', require_for_domains: false, email_domains: ['corp.example'] });
    const emptied = await call('PATCH', path('tenant-a', created.body.id), tokens.adminA, { email_domains: [] });
    expect(emptied.status).toBe(400);
    expect(emptied.body.errors).toEqual([{ field: 'body.email_domains', message: expect.stringContaining('link_existing_users') }]);
    // Both in one change: linking off, then no domains.
    const off = await call('PATCH', path('tenant-a', created.body.id), tokens.adminA, { email_domains: [], link_existing_users: 'never' });
    expect(off.body).toMatchObject({ email_domains: [], link_existing_users: 'never', require_for_domains: false });
    const onAgain = await call('PATCH', path('tenant-a', created.body.id), tokens.adminA, { link_existing_users: 'verified_email_in_domains' });
    expect(onAgain.status).toBe(400);
    expect(onAgain.body.errors[0].field).toBe('body.link_existing_users');
    expect((await call('PATCH', path('tenant-a', created.body.id), tokens.adminA, { link_existing_users: 'sometimes' })).status).toBe(400);
  });

  it('reads a provider stored before these settings existed as never linking and required for its domains', async () => {
    const { call, tokens, a, idp } = world;
    const now = new Date();
    // As written by an earlier version: no link_existing_users, no require_for_domains.
    const old = { _id: 'idp_stored_before', tenantId: a.tenant._id, name: 'Old', issuer: 'https://old.corp.example', clientId: 'old', sealedSecret: 'x', scopes: ['openid'], emailDomains: ['old.example'], jitCreate: false, roleMappings: [], createdAt: now, updatedAt: now };
    await idp.db.models.upstreamIdps.collection.insertOne({ ...old, _id: old._id as never });
    const read = await call('GET', path('tenant-a', old._id), tokens.adminA);
    expect(read.body).toMatchObject({ link_existing_users: 'never', require_for_domains: true });
    const listed = await call('GET', path('tenant-a'), tokens.adminA);
    expect(listed.body.items.find((i: { id: string }) => i.id === old._id)).toMatchObject({ link_existing_users: 'never', require_for_domains: true });
    const [forSignIn] = (await idp.services.upstreamIdps.list(a.tenant._id)).filter((i) => i._id === old._id);
    expect(forSignIn).toMatchObject({ linkExistingUsers: 'never', requireForDomains: true });
  });
});
