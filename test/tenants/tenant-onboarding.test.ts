import { decodeJwt } from 'jose';
import { adminClient, operatorToken, personToken, serviceToken, type AdminCall } from '../support/admin.js';
import { submitLinkForm } from '../support/browser.js';
import { asSetup } from '../support/fixtures.js';
import { linkIn, startIdpWithSmtp, type TestSmtpServer } from '../support/smtp.js';
import type { TestIdp } from '../support/test-idp.js';

const ADMIN_PASSWORD = 'juniper-copper-lattice-harbour-63';

/**
 * A tenant gets its first admins from an operator, who never becomes one: the admins are invited by mail in
 * the tenant's language, accept, and administer the tenant; the operator learns only that invitations left.
 */
describe('tenant onboarding', () => {
  let smtp: TestSmtpServer;
  let idp: TestIdp;
  let call: AdminCall;
  let operator: string;
  const operatorActor = () => `service:${decodeJwt(operator).sub}@platform`;
  const changeLog = async (slug: string, action?: string) => {
    const tenant = (await idp.services.tenants.findBySlug(slug))!;
    return (await idp.services.changeLog.list(tenant._id, action ? { action } : {}, { limit: 200 })).items;
  };

  beforeAll(async () => {
    ({ smtp, idp } = await startIdpWithSmtp());
    call = adminClient(idp);
    operator = await operatorToken(idp);
  });
  afterAll(async () => {
    await idp.close();
    await smtp.close();
  });

  describe('a tenant created with its first admins', () => {
    let created: Awaited<ReturnType<AdminCall>>;

    beforeAll(async () => {
      created = await call('POST', '/tenants', operator, {
        slug: 'fjord-offices',
        name: 'Fjord Offices',
        settings: { locales: ['da', 'en'] },
        admins: [{ email: 'Mette@Fjord.test', name: 'Mette Madsen' }, { email: 'sam@fjord.test', locale: 'en' }],
      });
    });

    it('answers the tenant and that two invitations left, with nothing of the invitees', async () => {
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ slug: 'fjord-offices', issuer: `${idp.baseUrl}/t/fjord-offices` });
      expect(created.body.invitations).toEqual([
        { id: expect.stringMatching(/^inv_/), expires_at: expect.any(String) },
        { id: expect.stringMatching(/^inv_/), expires_at: expect.any(String) },
      ]);
      expect(JSON.stringify(created.body)).not.toMatch(/mette|sam@|Madsen/i);
      expect(created.body.warnings).toEqual([expect.stringContaining('tenant_admin role gives')]);
    });

    it("mails each admin in the tenant's language unless one was asked for", async () => {
      const danish = (await smtp.mailTo('mette@fjord.test')).mail;
      expect(danish.headers.get('content-language')).toBe('da');
      expect(danish.text).toContain('Mette Madsen');
      expect(linkIn(danish, 'invitations').startsWith(`${idp.baseUrl}/t/fjord-offices/invitations/`)).toBe(true);
      expect((await smtp.mailTo('sam@fjord.test')).mail.headers.get('content-language')).toBe('en');
    });

    it("records each invitation, once, in the tenant's change log under the operator", async () => {
      const entries = await changeLog('fjord-offices');
      expect(entries.map((e) => [e.action, e.actor, e.subjectId]).sort()).toEqual(created.body.invitations.map((i: { id: string }) => ['invitation.created', operatorActor(), i.id]).sort());
    });

    it("keeps the operator out of the tenant's invitations and users", async () => {
      for (const path of ['/tenants/fjord-offices/invitations', `/tenants/fjord-offices/invitations/${created.body.invitations[0].id}`, '/tenants/fjord-offices/users']) {
        const res = await call('GET', path, operator);
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      }
    });

    it('lets an invitee accept, hold tenant_admin and administer the tenant with their own token', async () => {
      const link = linkIn((await smtp.mailTo('sam@fjord.test')).mail, 'invitations');
      expect((await submitLinkForm(link, { name: 'Sam Admin', password: ADMIN_PASSWORD, password_repeat: ADMIN_PASSWORD })).status).toBe(200);
      const tenant = (await idp.services.tenants.findBySlug('fjord-offices'))!;
      const token = await personToken(idp, tenant, 'sam@fjord.test', ADMIN_PASSWORD);
      const users = await call('GET', '/tenants/fjord-offices/users', token);
      expect(users.status).toBe(200);
      expect(users.body.items).toEqual([expect.objectContaining({ email: 'sam@fjord.test', roles: ['tenant_admin'], status: 'active' })]);
      const invitations = await call('GET', '/tenants/fjord-offices/invitations?state=pending', token);
      expect(invitations.body.items.map((i: { email: string }) => i.email)).toEqual(['mette@fjord.test']);
    });
  });

  describe('bad admins are refused before the tenant exists', () => {
    const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

    it.each([
      ['an address that is none', 'body.admins.0.email', [{ email: 'not-an-address' }], {}],
      ['an unknown field', 'body.admins.0', [{ email: 'a@x.test', role: 'auditor' }], {}],
      ['an empty list', 'body.admins', [], {}],
      ['eleven admins', 'body.admins', Array.from({ length: 11 }, (_, i) => ({ email: `a${i}@x.test` })), {}],
      ['one address twice', 'body.admins.1.email', [{ email: 'twice@x.test' }, { email: 'Twice@X.test' }], {}],
      ["a language the tenant lacks", 'body.admins.0.locale', [{ email: 'a@x.test', locale: 'de' }], { locales: ['da', 'en'] }],
    ])('%s: 400 naming %s, and no tenant', async (_what, field, admins, settings) => {
      const res = await call('POST', '/tenants', operator, { slug: 'never-made', name: 'Never made', settings, admins });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      expect(fields(res)).toContain(field);
      expect(await idp.services.tenants.findBySlug('never-made')).toBeNull();
    });
  });

  describe('break-glass: an admin for a tenant that lost all of its own', () => {
    let tenantId: string;
    const sendAdmin = (slug: string, body: unknown) => call('POST', `/tenants/${slug}/admin-invitations`, operator, body);

    beforeAll(async () => {
      const res = await call('POST', '/tenants', operator, { slug: 'orphaned', name: 'Orphaned', admins: [{ email: 'first@orphaned.test' }] });
      tenantId = (await idp.services.tenants.findBySlug('orphaned'))!._id;
      const link = linkIn((await smtp.mailTo('first@orphaned.test')).mail, 'invitations');
      expect([res.status, (await submitLinkForm(link, { name: 'First', password: ADMIN_PASSWORD, password_repeat: ADMIN_PASSWORD })).status]).toEqual([201, 200]);
    });

    it('is refused (409) while an active user holds tenant_admin', async () => {
      const res = await sendAdmin('orphaned', { email: 'rescuer@orphaned.test' });
      expect(res.status).toBe(409);
      expect(res.body.type).toBe('urn:doorway:problem:conflict');
      expect(await changeLog('platform', 'tenant.admin_invited')).toEqual([]);
    });

    it('is refused (409) while a service account holds tenant_admin', async () => {
      await call('POST', '/tenants', operator, { slug: 'automated', name: 'Automated' });
      await serviceToken(idp, (await idp.services.tenants.findBySlug('automated'))!, ['tenant_admin']);
      expect((await sendAdmin('automated', { email: 'rescuer@automated.test' })).status).toBe(409);
    });

    it('is refused for the platform tenant, whose people are operators', async () => {
      expect((await sendAdmin('platform', { email: 'someone@platform.test' })).status).toBe(409);
    });

    it('names the field of a bad address or language', async () => {
      const bad = await sendAdmin('orphaned', { email: 'nope', locale: 'xx' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.email', 'body.locale']);
    });

    it("sends one once no active admin is left, logged in the platform's and the tenant's change logs, with a warning", async () => {
      const tenant = (await idp.services.tenants.findBySlug('orphaned'))!;
      const first = (await idp.services.users.list(tenant, { email: 'first@orphaned.test', limit: 1 })).items[0]!;
      await asSetup(() => idp.services.users.setStatus(tenant, first.id, { from: ['active'], to: 'locked', action: 'user.locked' }));

      const [platformBefore, tenantBefore] = [await changeLog('platform'), await changeLog('orphaned')];
      const res = await sendAdmin('orphaned', { email: 'rescuer@orphaned.test', name: 'Rescuer', locale: 'de' });
      // Exactly one entry in each log.
      expect([(await changeLog('platform')).length - platformBefore.length, (await changeLog('orphaned')).length - tenantBefore.length]).toEqual([1, 1]);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: expect.stringMatching(/^inv_/), expires_at: expect.any(String), warnings: [expect.stringContaining('orphaned'), expect.stringContaining('tenant_admin role gives')] });
      expect(res.headers.get('doorway-warning')).toContain('orphaned');

      const platform = await changeLog('platform', 'tenant.admin_invited');
      expect(platform.map((e) => ({ actor: e.actor, subjectType: e.subjectType, subjectId: e.subjectId }))).toEqual([{ actor: operatorActor(), subjectType: 'tenant', subjectId: tenantId }]);
      const inTenant = (await changeLog('orphaned', 'invitation.created')).filter((e) => e.subjectId === res.body.id);
      expect(inTenant.map((e) => e.actor)).toEqual([operatorActor()]);
      expect(platform[0]!.requestId).toBe(inTenant[0]!.requestId);

      const mail = (await smtp.mailTo('rescuer@orphaned.test')).mail;
      expect(mail.headers.get('content-language')).toBe('de');
      expect((await submitLinkForm(linkIn(mail, 'invitations'), { name: 'Rescuer', password: ADMIN_PASSWORD, password_repeat: ADMIN_PASSWORD })).status).toBe(200);
      expect((await idp.services.users.list(tenant, { email: 'rescuer@orphaned.test', limit: 1 })).items[0]!.roles).toEqual(['tenant_admin']);
      // The tenant runs itself again: no second break-glass.
      expect((await sendAdmin('orphaned', { email: 'another@orphaned.test' })).status).toBe(409);
    });
  });
});
