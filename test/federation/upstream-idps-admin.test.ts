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
});
