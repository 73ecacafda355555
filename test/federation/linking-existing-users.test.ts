import * as client from 'openid-client';
import { adminClient, serviceToken, type AdminCall } from '../support/admin.js';
import { signInThrough, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { asSetup, createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { discoverClient } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { scimClient, USER_SCHEMA, type ScimCall } from '../scim/scim-world.js';

/**
 * The company's directory provisions its people (SCIM, or an admin), and they sign in with the company's
 * provider. With `link_existing_users: verified_email_in_domains` the first sign-in of such a person links them
 * to the user already there, by the address the provider verified, when that address is of one of the
 * provider's own domains; anything short of that is refused as without linking.
 */
describe('linking the first upstream sign-in to an existing user', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let upstream: FakeUpstream;
  let app: client.Configuration;
  let upstreamId: string;
  let call: AdminCall;
  let admin: string;
  let scim: ScimCall;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'down-link');
    upstream = await startFakeUpstream();
    await asSetup(() => idp.services.roles.create(fixture.tenant._id, { name: 'night_shift' }));
    call = adminClient(idp);
    admin = await serviceToken(idp, fixture.tenant, ['tenant_admin']);
    scim = scimClient(idp.baseUrl, 'down-link', await serviceToken(idp, fixture.tenant, ['scim_provisioner']));
    const created = await call('POST', '/tenants/down-link/upstream-idps', admin, {
      name: 'Fake',
      issuer: upstream.issuer,
      client_id: upstream.clientId,
      client_secret: upstream.clientSecret,
      email_domains: ['fake.test'],
    });
    expect(created.body).toMatchObject({ link_existing_users: 'never', require_for_domains: true, jit_create: false });
    upstreamId = created.body.id;
    app = await discoverClient(idp.baseUrl, fixture);
  });

  afterAll(async () => {
    await upstream?.close();
    await idp?.close();
  });

  const settings = async (body: Record<string, unknown>) => {
    const changed = await call('PATCH', `/tenants/down-link/upstream-idps/${upstreamId}`, admin, body);
    expect(changed.status).toBe(200);
  };
  const linksOf = async () => (await idp.db.models.federatedIdentities.find({ tenantId: fixture.tenant._id }).sort({ createdAt: 1 }).lean()).map((l) => [l.subject, l.userId]);
  const entriesOf = async (userId: string) =>
    (await idp.db.models.changeLog.find({ tenantId: fixture.tenant._id, subjectId: userId }).sort({ seq: 1 }).lean()).map((e) => [e.action, e.actor]);
  const provisioned = async (email: string) => {
    const res = await scim('POST', '/Users', { body: { schemas: [USER_SCHEMA], userName: email, name: { givenName: 'Pat', familyName: 'Dahl' }, emails: [{ value: email, primary: true }], active: true } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const signInUpstream = () => signInThrough(app, upstreamId);

  it('refuses as before while the setting is never: no account, or an address taken', async () => {
    const userId = await provisioned('sam@fake.test');
    upstream.person = { sub: 'sam-upstream', email: 'sam@fake.test' };
    const refused = await signInUpstream();
    expect(refused.res.status).toBe(403);
    expect(refused.html).toContain('You have no account here yet.');

    await settings({ jit_create: true });
    const taken = await signInUpstream();
    expect(taken.res.status).toBe(409);
    expect(taken.html).toContain('An account with your email address already exists here');
    await settings({ jit_create: false });
    expect(await linksOf()).toEqual([]);
    expect((await entriesOf(userId)).map(([action]) => action)).toEqual(['user.created']);
  });

  it('links a person the directory provisioned without a password at their first sign-in, and the next sign-in reuses the link', async () => {
    const userId = await provisioned('pat@fake.test');
    expect((await idp.db.models.users.findOne({ tenantId: fixture.tenant._id, _id: userId }).lean())?.passwordHash).toBeUndefined();
    await settings({ link_existing_users: 'verified_email_in_domains', role_mappings: [{ claim: 'groups', value: 'Night', role: 'night_shift' }] });
    upstream.person = { sub: 'pat-upstream', email: 'pat@fake.test', claims: { groups: ['Night'] } };

    const first = await signInUpstream();
    expect(first.url.startsWith(REDIRECT_URI)).toBe(true);
    const claims = (await first.tokens()).claims()!;
    expect([claims.sub, claims.amr]).toEqual([userId, ['fed']]);
    expect(await linksOf()).toEqual([['pat-upstream', userId]]);
    // The roles its rules name apply from this sign-in on; nobody new was created.
    expect((await idp.services.users.getById(fixture.tenant, userId)).roles).toEqual(['night_shift']);
    expect((await idp.services.users.list(fixture.tenant, { email: 'pat@fake.test', limit: 10 })).items).toHaveLength(1);
    expect(await entriesOf(userId)).toEqual([
      ['user.created', expect.stringMatching(/^service:/)],
      ['user.federation_linked', `user:${userId}`],
      ['user.updated', `user:${userId}`],
    ]);

    const second = await signInUpstream();
    expect((await second.tokens()).claims()!.sub).toBe(userId);
    expect(await linksOf()).toEqual([['pat-upstream', userId]]);
    expect(await entriesOf(userId)).toHaveLength(3);
  });

  it('does not let another subject with the address of a linked user reach that user', async () => {
    const [[, userId]] = (await linksOf()).filter(([subject]) => subject === 'pat-upstream') as [[string, string]];
    // At the provider the account was made again: same address, a new `sub`.
    upstream.person = { sub: 'pat-upstream-again', email: 'pat@fake.test' };
    const end = await signInUpstream();
    expect(end.res.status).toBe(409);
    expect(end.html).toContain('An account with your email address already exists here');
    expect(await linksOf()).toEqual([['pat-upstream', userId]]);
  });

  it('refuses an address of another domain than the provider’s, even with linking on', async () => {
    const created = await call('POST', '/tenants/down-link/users', admin, { email: 'kim@elsewhere.test', name: 'Kim' });
    expect(created.status).toBe(201);
    upstream.person = { sub: 'kim-upstream', email: 'kim@elsewhere.test' };
    const refused = await signInUpstream();
    expect(refused.res.status).toBe(403);
    expect(refused.html).toContain('You have no account here yet.');
    // With creation on, the address is someone else's here: never taken over.
    await settings({ jit_create: true });
    const taken = await signInUpstream();
    expect(taken.res.status).toBe(409);
    await settings({ jit_create: false });
    expect((await linksOf()).map(([subject]) => subject)).toEqual(['pat-upstream']);
  });

  it('refuses an address the provider does not say it verified', async () => {
    const userId = await provisioned('lee@fake.test');
    upstream.person = { sub: 'lee-upstream', email: 'lee@fake.test', emailVerified: false };
    const end = await signInUpstream();
    expect(end.res.status).toBe(403);
    expect(end.html).toContain('did not confirm your email address');
    expect((await linksOf()).map(([, user]) => user)).not.toContain(userId);
  });

  it('does not link a locked user, and says the account cannot sign in', async () => {
    const res = await scim('POST', '/Users', { body: { schemas: [USER_SCHEMA], userName: 'max@fake.test', emails: [{ value: 'max@fake.test', primary: true }], active: false } });
    expect(res.status).toBe(201);
    expect((await idp.services.users.getById(fixture.tenant, res.body.id)).status).toBe('locked');
    upstream.person = { sub: 'max-upstream', email: 'max@fake.test' };
    const end = await signInUpstream();
    expect(end.res.status).toBe(403);
    expect(end.html).toContain('Your account cannot sign in right now.');
    expect((await linksOf()).map(([, user]) => user)).not.toContain(res.body.id);
    expect((await entriesOf(res.body.id)).map(([action]) => action)).not.toContain('user.federation_linked');
  });

  it('never links a user of another tenant with the same address', async () => {
    const other = await createTenantFixture(idp.services, 'other-link');
    await asSetup(() => idp.services.users.create(other.tenant, { email: 'ola@fake.test', emailVerified: true }));
    upstream.person = { sub: 'ola-upstream', email: 'ola@fake.test' };
    const end = await signInUpstream();
    expect(end.res.status).toBe(403);
    expect(end.html).toContain('You have no account here yet.');
    for (const tenantId of [fixture.tenant._id, other.tenant._id]) expect(await idp.db.models.federatedIdentities.countDocuments({ tenantId, subject: 'ola-upstream' })).toBe(0);
  });
});
