import { adminClient, operatorToken, serviceToken } from '../support/admin.js';
import { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { eventually, linkIn, startIdpWithSmtp, TestSmtpServer } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

describe('admin API: invitations', () => {
  let smtp: TestSmtpServer;
  let idp: TestIdp;
  let a: TenantFixture;
  let call: ReturnType<typeof adminClient>;
  const tokens: Record<string, string | undefined> = {};
  const invite = (body: Record<string, unknown>, who = 'adminA') => call('POST', '/tenants/tenant-a/invitations', tokens[who], body);

  beforeAll(async () => {
    ({ smtp, idp } = await startIdpWithSmtp());
    call = adminClient(idp);
    a = await createTenantFixture(idp.services, 'tenant-a');
    const b = await createTenantFixture(idp.services, 'tenant-b');
    tokens.operator = await operatorToken(idp);
    tokens.adminA = await serviceToken(idp, a.tenant, ['tenant_admin']);
    tokens.adminB = await serviceToken(idp, b.tenant, ['tenant_admin']);
    tokens.managerA = await serviceToken(idp, a.tenant, ['user_manager']);
    tokens.auditorA = await serviceToken(idp, a.tenant, ['auditor']);
  });
  afterAll(async () => {
    await idp.close();
    await smtp.close();
  });

  describe('authorization matrix', () => {
    const matrix: [string, number][] = [
      ['operator', 403],
      ['adminA', 202],
      ['managerA', 202],
      ['auditorA', 403],
      ['adminB', 404],
      ['anonymous', 401],
    ];
    it.each(matrix)('invite as %s answers %i', async (who, status) => {
      const res = await invite({ email: `matrix-${who}@tenant-a.test` }, who);
      expect(res.status).toBe(status);
      if (status >= 400) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it.each(matrix.map(([who, status]) => [who, status === 202 ? 200 : status] as [string, number]))('list invitations as %s answers %i', async (who, status) => {
      expect((await call('GET', '/tenants/tenant-a/invitations', tokens[who])).status).toBe(status);
    });
  });

  it('answers 409 for an email that already belongs to a user, and for one with a pending invitation', async () => {
    const taken = await invite({ email: a.user.email!.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(await invite({ email: 'twice@tenant-a.test' })).toMatchObject({ status: 202 });
    expect((await invite({ email: 'Twice@tenant-a.test' })).status).toBe(409);
  });

  it('lists invitations with their state and delivery state', async () => {
    const created = await invite({ email: 'listed@tenant-a.test', name: 'Listed Person', roles: ['visitor'], door_permissions: [{ door_id: 'lab', valid_until: '2099-01-01T00:00:00Z' }] });
    await smtp.mailTo('listed@tenant-a.test');
    await eventually(async () => (await call('GET', `/tenants/tenant-a/invitations/${created.body.id}`, tokens.managerA)).body.delivery_state === 'sent', 10_000, 'delivery');
    const page = await call('GET', '/tenants/tenant-a/invitations?state=pending&limit=200', tokens.managerA);
    const listed = page.body.items.find((i: { id: string }) => i.id === created.body.id);
    expect(listed).toMatchObject({
      email: 'listed@tenant-a.test',
      name: 'Listed Person',
      roles: ['visitor'],
      door_permissions: [{ door_id: 'lab', valid_from: null, valid_until: '2099-01-01T00:00:00.000Z' }],
      state: 'pending',
      delivery_state: 'sent',
      invited_by: expect.stringMatching(/^service:.+@tenant-a$/),
    });
    expect((await call('GET', '/tenants/tenant-a/invitations?state=revoked&limit=200', tokens.managerA)).body.items.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
  });

  it('resends with a new link: the old link stops working, the new one works', async () => {
    const created = await invite({ email: 'resent@tenant-a.test' });
    const oldLink = linkIn((await smtp.mailTo('resent@tenant-a.test')).mail, 'invitations');
    const resent = await call('POST', `/tenants/tenant-a/invitations/${created.body.id}/resend`, tokens.managerA);
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ state: 'pending', delivery_state: 'queued' });
    const newLink = linkIn((await smtp.mailTo('resent@tenant-a.test', 2)).mail, 'invitations');
    expect(newLink).not.toBe(oldLink);
    expect((await new Browser().request(oldLink)).status).toBe(404);
    expect((await new Browser().request(newLink)).status).toBe(200);
  });

  it("expires after the tenant's own period (72 hours here), and a resend starts that period again", async () => {
    const HOUR = 3_600_000;
    const created = await call('POST', '/tenants', tokens.operator, { slug: 'brief', name: 'Brief Stay', settings: { invitation_ttl_hours: 72 } });
    expect(created.body.settings.invitation_ttl_hours).toBe(72);
    const brief = (await idp.services.tenants.findBySlug('brief'))!;
    const admin = await serviceToken(idp, brief, ['tenant_admin']);
    const hoursLeft = (invitation: { expires_at: string }) => (new Date(invitation.expires_at).getTime() - Date.now()) / HOUR;

    const invited = await call('POST', '/tenants/brief/invitations', admin, { email: 'guest@brief.test', locale: 'en' });
    expect(invited.status).toBe(202);
    expect(hoursLeft(invited.body)).toBeGreaterThan(71.99);
    expect(hoursLeft(invited.body)).toBeLessThanOrEqual(72);
    const stored = await idp.db.models.invitations.findOne({ tenantId: brief._id, _id: invited.body.id }).lean();
    expect(stored!.expiresAt.toISOString()).toBe(invited.body.expires_at);
    expect((await smtp.mailTo('guest@brief.test')).mail.text).toContain('in 3 days');

    // Two and a half days later, as far as the invitation can tell: 12 hours left, then a resend.
    await idp.db.models.invitations.updateOne({ tenantId: brief._id, _id: invited.body.id }, { $set: { expiresAt: new Date(Date.now() + 12 * HOUR) } });
    const resent = await call('POST', `/tenants/brief/invitations/${invited.body.id}/resend`, admin);
    expect(resent.status).toBe(202);
    expect(hoursLeft(resent.body)).toBeGreaterThan(71.99);
    expect(hoursLeft(resent.body)).toBeLessThanOrEqual(72);
    expect((await smtp.mailTo('guest@brief.test', 2)).mail.text).toContain('in 3 days');
  });

  it('revokes a pending invitation once, and refuses to resend or revoke it again', async () => {
    const created = await invite({ email: 'revoked@tenant-a.test' });
    const revoked = await call('POST', `/tenants/tenant-a/invitations/${created.body.id}/revoke`, tokens.adminA);
    expect(revoked).toMatchObject({ status: 200, body: { state: 'revoked', revoked_at: expect.any(String) } });
    expect((await call('POST', `/tenants/tenant-a/invitations/${created.body.id}/revoke`, tokens.adminA)).status).toBe(409);
    expect((await call('POST', `/tenants/tenant-a/invitations/${created.body.id}/resend`, tokens.adminA)).status).toBe(409);
  });

  it('logs created, resent and revoked as changes of the invitation by the calling admin, without values', async () => {
    const created = await invite({ email: 'logged@tenant-a.test', name: 'Logged Person' });
    await call('POST', `/tenants/tenant-a/invitations/${created.body.id}/resend`, tokens.managerA);
    await call('POST', `/tenants/tenant-a/invitations/${created.body.id}/revoke`, tokens.adminA);
    const log = await call('GET', `/tenants/tenant-a/change-log?subject=${created.body.id}`, tokens.auditorA);
    expect(log.body.items.map((e: { action: string; subject_type: string }) => [e.action, e.subject_type])).toEqual([
      ['invitation.revoked', 'invitation'],
      ['invitation.resent', 'invitation'],
      ['invitation.created', 'invitation'],
    ]);
    expect(log.body.items[2].fields).toEqual(expect.arrayContaining(['email', 'name']));
    expect(JSON.stringify(log.body)).not.toMatch(/logged@|Logged Person/);
  });

  it('keeps the address and name sealed at rest', async () => {
    const created = await invite({ email: 'sealed@tenant-a.test', name: 'Sealed Person' });
    const stored = await idp.db.models.invitations.collection.findOne({ _id: created.body.id } as never);
    expect(JSON.stringify(stored)).not.toMatch(/sealed@|Sealed Person/);
  });

  it("answers 404 for tenant A's invitation asked through tenant B", async () => {
    const created = await invite({ email: 'foreign@tenant-a.test' });
    expect((await call('GET', `/tenants/tenant-b/invitations/${created.body.id}`, tokens.adminB)).status).toBe(404);
    expect((await call('POST', `/tenants/tenant-b/invitations/${created.body.id}/revoke`, tokens.adminB)).status).toBe(404);
  });

  describe('bad input names the field', () => {
    it.each([
      [{ email: 'not-an-email' }, 'body.email'],
      [{ email: 'x@tenant-a.test', locale: 'fr' }, 'body.locale'],
      [{ email: 'x@tenant-a.test', roles: ['Has Spaces'] }, 'body.roles.0'],
      [{ email: 'x@tenant-a.test', door_permissions: [{ door_id: 'no-such-door' }] }, 'body.door_permissions.0.door_id'],
      [{ email: 'x@tenant-a.test', door_permissions: [{ door_id: 'lab', valid_from: '2030-01-02T00:00:00Z', valid_until: '2030-01-01T00:00:00Z' }] }, 'body.door_permissions.0.valid_until'],
      [{ email: 'x@tenant-a.test', client_id: 'no-such-app' }, 'body.client_id'],
      [{ email: 'x@tenant-a.test', client_id: 'tenant-a-app', redirect_uri: 'https://evil.example/callback' }, 'body.redirect_uri'],
      [{ email: 'x@tenant-a.test', surprise: true }, 'body'],
    ])('%j -> 400 naming %s', async (body, field) => {
      const res = await invite(body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  it("refuses a language the tenant does not offer, since the link's pages could not speak it", async () => {
    const nordic = await asSetup(() => idp.services.tenants.create({ slug: 'nordic', name: 'Nordic', settings: { locales: ['da', 'sv'] } }));
    const token = await serviceToken(idp, nordic, ['tenant_admin']);
    const res = await call('POST', '/tenants/nordic/invitations', token, { email: 'someone@nordic.test', locale: 'de' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.locale']);
    expect((await call('POST', '/tenants/nordic/invitations', token, { email: 'someone@nordic.test' })).body.locale).toBe('da');
  });

  it('grants nothing before acceptance: invitations are not users', async () => {
    const created = await invite({ email: 'pending-person@tenant-a.test', roles: ['employee'] });
    expect(created.body.user_id).toBeNull();
    expect((await call('GET', '/tenants/tenant-a/users?email=pending-person@tenant-a.test', tokens.adminA)).body.items).toEqual([]);
  });
});
