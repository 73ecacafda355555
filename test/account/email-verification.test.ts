import { adminClient, serviceToken } from '../support/admin.js';
import { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { linkIn, startIdpWithSmtp, TestSmtpServer } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

describe('email verification after an address changes', () => {
  let smtp: TestSmtpServer;
  let idp: TestIdp;
  let acme: TenantFixture;
  let call: ReturnType<typeof adminClient>;
  let admin: string;
  const person = (email: string) =>
    asSetup(() => idp.services.users.create(acme.tenant, { email, password: PASSWORD, name: 'Vera Verified', locale: 'sv', emailVerified: true }));

  beforeAll(async () => {
    ({ smtp, idp } = await startIdpWithSmtp());
    acme = await createTenantFixture(idp.services, 'acme');
    call = adminClient(idp);
    admin = await serviceToken(idp, acme.tenant, ['user_manager']);
  });
  afterAll(async () => {
    await idp.close();
    await smtp.close();
  });

  it('mails the new address, and its link confirms it as the person', async () => {
    const user = await person('vera@acme.test');
    const changed = await call('PATCH', `/tenants/acme/users/${user.id}`, admin, { email: 'vera.new@acme.test' });
    expect(changed.body).toMatchObject({ email: 'vera.new@acme.test', email_verified: false });

    const { mail } = await smtp.mailTo('vera.new@acme.test');
    expect(smtp.received.some((r) => r.rcptTo.includes('vera@acme.test'))).toBe(false);
    expect(mail.subject).toBe('Bekräfta din e-postadress för Tenant acme');
    const link = linkIn(mail, 'account/verify');

    const browser = new Browser();
    const page = await browser.request(link);
    expect(await page.text()).toContain('Bekräfta att vera.new@acme.test är e-postadressen till ditt konto hos Tenant acme.');
    expect((await call('GET', `/tenants/acme/users/${user.id}`, admin)).body.email_verified).toBe(false);

    const done = await browser.request(link, { form: {} });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('E-postadressen är bekräftad');
    expect((await call('GET', `/tenants/acme/users/${user.id}`, admin)).body.email_verified).toBe(true);

    const log = await call('GET', `/tenants/acme/change-log?subject=${user.id}&action=user.email_verified`, await serviceToken(idp, acme.tenant, ['auditor']));
    expect(log.body.items.map((e: { actor: string; fields: string[] }) => [e.actor, e.fields])).toEqual([[`user:${user.id}`, ['emailVerified']]]);
    expect((await browser.request(link, { form: {} })).status).toBe(410);
  });

  it('opening the link does not confirm: only the button does (mail scanners open links)', async () => {
    const user = await person('scan@acme.test');
    await call('PATCH', `/tenants/acme/users/${user.id}`, admin, { email: 'scan.new@acme.test' });
    const link = linkIn((await smtp.mailTo('scan.new@acme.test')).mail, 'account/verify');
    await new Browser().request(link);
    await new Browser().request(link);
    expect((await idp.services.users.getById(acme.tenant, user.id)).emailVerified).toBe(false);
  });

  it('does not verify an address that has changed again since the mail', async () => {
    const user = await person('first@acme.test');
    await call('PATCH', `/tenants/acme/users/${user.id}`, admin, { email: 'second@acme.test' });
    const link = linkIn((await smtp.mailTo('second@acme.test')).mail, 'account/verify');
    const browser = new Browser();
    await browser.request(link);
    await call('PATCH', `/tenants/acme/users/${user.id}`, admin, { email: 'third@acme.test' });
    await smtp.mailTo('third@acme.test');

    const res = await browser.request(link, { form: {} });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('Länken har gått ut');
    expect((await idp.services.users.getById(acme.tenant, user.id)).emailVerified).toBe(false);
  });

  it('sends nothing when only other fields change', async () => {
    const user = await person('calm@acme.test');
    await call('PATCH', `/tenants/acme/users/${user.id}`, admin, { name: 'Calm Person' });
    expect(await idp.db.models.mailOutbox.countDocuments({ tenantId: acme.tenant._id, subjectId: user.id })).toBe(0);
  });
});
