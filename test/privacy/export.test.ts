import { EJSON } from 'bson';
import { adminClient, operatorToken, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { personWithDataEverywhere, SETUP_TIMEOUT_MS, type Person } from './privacy-fixture.js';

describe('access and portability: exporting a user', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let person: Person;
  let call: ReturnType<typeof adminClient>;
  const tokens: Record<string, string | undefined> = {};
  const exportOf = (id: string, who = 'adminA', tenant = 'tenant-a') => call('GET', `/tenants/${tenant}/users/${id}/export`, tokens[who]);

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    a = await createTenantFixture(idp.services, 'tenant-a');
    b = await createTenantFixture(idp.services, 'tenant-b');
    person = await personWithDataEverywhere(idp, a, 'export');
    tokens.operator = await operatorToken(idp);
    tokens.adminA = await serviceToken(idp, a.tenant, ['tenant_admin']);
    tokens.adminB = await serviceToken(idp, b.tenant, ['tenant_admin']);
    tokens.managerA = await serviceToken(idp, a.tenant, ['user_manager']);
    tokens.auditorA = await serviceToken(idp, a.tenant, ['auditor']);
    // A grant that ended (the lab still opens through a role): the export shows it as history.
    const grants = (await idp.services.doorPermissions.list(a.tenant._id, { holderType: 'user', holderId: person.id, limit: 10 })).items;
    await asSetup(() => idp.services.doorPermissions.revoke(a.tenant._id, grants.find((g) => g.doorKey === 'lab')!._id));
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it.each([
    ['operator', 403],
    ['adminA', 200],
    ['managerA', 200],
    ['auditorA', 403],
    ['adminB', 404],
    ['anonymous', 401],
  ])('answers %s with %i', async (who, status) => {
    expect((await exportOf(person.id, who)).status).toBe(status);
  });

  it("answers 404 for another tenant's user and for an id nobody has", async () => {
    expect((await exportOf(b.user.id)).status).toBe(404);
    expect((await exportOf('usr_nobodyhasthisid00')).status).toBe(404);
  });

  it('holds the profile, roles, door permissions with their history, sessions, grants, tokens and second factors', async () => {
    const res = await exportOf(person.id);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = res.body;
    expect(body).toMatchObject({
      subject_id: person.id,
      tenant: 'tenant-a',
      profile: { email: person.values.email, name: person.values.name, given_name: person.values.givenName, phone: person.values.phone, status: 'active' },
      roles: ['employee', 'team_lead'],
    });
    expect(body.door_permissions.in_force.map((d: { door_id: string }) => d.door_id)).toEqual(['lab', 'main-entrance']);
    expect(body.door_permissions.history).toHaveLength(2);
    expect(body.door_permissions.history.filter((g: { revoked_at: string | null }) => g.revoked_at)).toHaveLength(1);
    expect(body.sessions.length).toBeGreaterThan(0);
    expect(body.sessions[0]).toMatchObject({ methods: ['pwd'], applications: ['tenant-a-app'] });
    expect(body.grants[0]).toMatchObject({ application: 'tenant-a-app', scope: expect.stringContaining('openid') });
    expect(body.tokens.map((t: { kind: string }) => t.kind)).toEqual(expect.arrayContaining(['AccessToken', 'RefreshToken']));
    expect(body.mfa_factors.map((f: { type: string }) => f.type).sort()).toEqual(['recovery_codes', 'totp']);
    expect(body.invitations).toEqual([expect.objectContaining({ id: person.invitationId, state: 'accepted' })]);
    expect(body.account_links).toEqual([expect.objectContaining({ kind: 'password_reset', state: 'pending' })]);
    expect(body.mails.map((m: { kind: string }) => m.kind).sort()).toEqual(['invitation', 'password_reset']);
  });

  it('holds the change-log entries about them and their invitation, the export itself last', async () => {
    const { body } = await exportOf(person.id);
    const actions = body.change_log.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.created', 'invitation.accepted', 'user.created', 'user.updated', 'door_permission.revoked']));
    expect(actions.at(-1)).toBe('user.exported');
  });

  it('never holds a secret: no password hash, blind index, token, code hash or sealed value', async () => {
    const text = JSON.stringify((await exportOf(person.id)).body);
    const user = await idp.db.models.users.findOne({ tenantId: a.tenant._id, _id: person.id }).lean();
    const factors = await idp.db.models.mfaFactors.find({ tenantId: a.tenant._id, userId: person.id }).lean();
    const entries = await idp.db.models.oidcEntries.find({ tenantId: a.tenant._id, accountId: person.id }).lean();
    const secrets = [
      user!.passwordHash!,
      user!.emailHash!,
      user!.email!,
      person.signedIn.tokens.access_token,
      person.signedIn.tokens.refresh_token!,
      ...entries.map((e) => e.id),
      ...factors.flatMap((f) => [f.secret, ...(f.codeHashes ?? [])]).filter((v): v is string => Boolean(v)),
    ];
    expect(secrets.length).toBeGreaterThan(6);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/v1\.[\w-]{10,}\.[\w-]{10,}\./);
  });

  it('warns whoever exports that the answer is personal data, and records the export in the change log', async () => {
    const res = await exportOf(person.id, 'managerA');
    expect(res.body.warnings).toEqual([expect.stringContaining('personal data')]);
    const log = await call('GET', `/tenants/tenant-a/change-log?subject=${person.id}&action=user.exported`, tokens.auditorA);
    expect(log.body.items.length).toBeGreaterThanOrEqual(1);
    expect(log.body.items[0].actor).toMatch(/^service:cli_.+@tenant-a$/);
    expect(EJSON.stringify(log.body)).not.toContain(person.values.email);
  });
});
