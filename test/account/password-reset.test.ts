import { jest } from '@jest/globals';
import * as client from 'openid-client';
import { translate } from '../../src/i18n/messages.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, PASSWORD, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { REFUSED_FOR_SIGRID } from '../support/passwords.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { linkIn, startIdpWithSmtp, TestSmtpServer } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { alertOf } from '../support/sign-in-pages.js';
import { LINK_PASSWORD_ATTEMPTS } from '../../src/account/link-attempts.js';

const NEW_PASSWORD = 'copper-meadow-lantern-fjord-41';

describe('password reset by an emailed link', () => {
  let smtp: TestSmtpServer;
  let idp: TestIdp;
  let acme: TenantFixture;
  let oidc: client.Configuration;
  let admin: string;
  const resetPage = () => `${idp.baseUrl}/t/acme/account/reset`;
  const person = (email: string, locale = 'en') =>
    asSetup(() => idp.services.users.create(acme.tenant, { email, password: PASSWORD, name: 'Person Example', locale, roles: ['employee'] }));
  const queuedFor = (userId: string) => idp.db.models.mailOutbox.countDocuments({ tenantId: acme.tenant._id, subjectId: userId });
  const askReset = async (email: string, browser = new Browser()) => {
    await browser.request(resetPage());
    const res = await browser.request(resetPage(), { form: { email } });
    const answer = { status: res.status, html: (await res.text()).replace(/nonce="[^"]+"/g, '') };
    // The form answers before the link is made and queued.
    await idp.services.passwordReset.settled();
    return answer;
  };

  beforeAll(async () => {
    ({ smtp, idp } = await startIdpWithSmtp());
    acme = await createTenantFixture(idp.services, 'acme');
    oidc = await discoverClient(idp.baseUrl, acme);
    admin = await serviceToken(idp, acme.tenant, ['tenant_admin']);
  });
  afterAll(async () => {
    await idp.close();
    await smtp.close();
  });

  it('is linked from the sign-in page, in its language', async () => {
    const browser = new Browser();
    const code_challenge = await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier());
    const url = client.buildAuthorizationUrl(oidc, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge, code_challenge_method: 'S256', ui_locales: 'de' });
    const { url: at, res } = await browser.follow(url.href, REDIRECT_URI);
    const href = /<a href="([^"]*\/account\/reset[^"]*)">Passwort vergessen\?<\/a>/.exec(await res.text())?.[1];
    expect(href).toBeDefined();
    const page = await browser.request(new URL(href!.replace(/&amp;/g, '&'), at).href);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Geben Sie die E-Mail-Adresse Ihres Kontos ein');
  });

  it('answers an unknown address exactly as a known one, and sends it nothing', async () => {
    const known = await person('known@acme.test');
    const before = await idp.db.models.mailOutbox.countDocuments({ tenantId: acme.tenant._id });
    const unknown = await askReset('nobody@acme.test');
    expect(await idp.db.models.mailOutbox.countDocuments({ tenantId: acme.tenant._id })).toBe(before);
    const answered = await askReset('known@acme.test');
    expect(unknown).toEqual(answered);
    expect(unknown.html).toContain('If an account with this email address exists');
    expect(await queuedFor(known.id)).toBe(1);
    expect(smtp.received.filter((r) => r.rcptTo.includes('nobody@acme.test'))).toHaveLength(0);
  });

  it('answers the form before the link is made and queued, so its time says nothing about the address', async () => {
    const user = await person('later@acme.test');
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const enqueue = idp.services.outbox.enqueue.bind(idp.services.outbox);
    const held = jest.spyOn(idp.services.outbox, 'enqueue').mockImplementation(async (...args) => {
      await gate;
      return enqueue(...args);
    });
    try {
      const browser = new Browser();
      await browser.request(resetPage());
      const res = await browser.request(resetPage(), { form: { email: 'later@acme.test' } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('If an account with this email address exists');
      expect(await queuedFor(user.id)).toBe(0);
    } finally {
      release();
      await idp.services.passwordReset.settled();
      held.mockRestore();
    }
    expect(await queuedFor(user.id)).toBe(1);
  });

  it('mails the link in the person’s language, sets the new password once, and ends the old one', async () => {
    const user = await person('bo@acme.test', 'da');
    await askReset('Bo@Acme.test');
    const { mail } = await smtp.mailTo('bo@acme.test');
    expect(mail.subject).toBe('Nulstil din adgangskode til Tenant acme');
    expect(mail.text).toContain('udløber om 1 time');
    const link = linkIn(mail, 'account/reset');

    const browser = new Browser();
    expect(await (await browser.request(link)).text()).toContain('Vælg en ny adgangskode');
    const mismatch = await browser.request(link, { form: { password: NEW_PASSWORD, password_repeat: `${NEW_PASSWORD}x` } });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('De to adgangskoder er ikke ens.');
    const done = await browser.request(link, { form: { password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Din adgangskode er ændret');

    expect(await idp.services.users.verifyPassword(acme.tenant, 'bo@acme.test', PASSWORD)).toBeNull();
    const { tokens } = await signIn(oidc, { email: 'bo@acme.test', password: NEW_PASSWORD });
    expect(tokens.claims()?.sub).toBe(user.id);
    const again = await new Browser().request(link);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('Linket er allerede blevet brugt');
  });

  it('refuses a breached password and one holding the email, in the person’s language, and the link still works', async () => {
    await person('sigrid.lund@acme.test', 'sv');
    await askReset('sigrid.lund@acme.test');
    const link = linkIn((await smtp.mailTo('sigrid.lund@acme.test')).mail, 'account/reset');
    const browser = new Browser();
    await browser.request(link);
    for (const [password, problem] of REFUSED_FOR_SIGRID) {
      const res = await browser.request(link, { form: { password, password_repeat: password } });
      expect(res.status).toBe(400);
      expect(alertOf(await res.text())).toBe(translate('sv', `password.problem.${problem}`));
      expect(await idp.services.users.verifyPassword(acme.tenant, 'sigrid.lund@acme.test', password)).toBeNull();
    }
    const done = await browser.request(link, { form: { password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect(await idp.services.users.verifyPassword(acme.tenant, 'sigrid.lund@acme.test', NEW_PASSWORD)).not.toBeNull();
  });

  it('unlocks an account locked by failed sign-ins, and the change log names the person for both changes', async () => {
    const user = await person('locked@acme.test');
    // As the sign-in guard locks at the tenant's number of failures (test/security/lockout.test.ts).
    await asSetup(() => idp.services.users.setStatus(acme.tenant, user.id, { from: ['active'], to: 'locked', action: 'user.locked', lockedBy: 'lockout' }));
    await askReset('locked@acme.test');
    const link = linkIn((await smtp.mailTo('locked@acme.test')).mail, 'account/reset');
    const browser = new Browser();
    await browser.request(link);
    const done = await browser.request(link, { form: { password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
    expect(done.status).toBe(200);

    expect((await idp.services.users.getById(acme.tenant, user.id)).status).toBe('active');
    await signIn(oidc, { email: 'locked@acme.test', password: NEW_PASSWORD });
    const log = await adminClient(idp)('GET', `/tenants/acme/change-log?subject=${user.id}`, admin);
    const recent = log.body.items.slice(0, 2).map((e: { action: string; actor: string }) => [e.action, e.actor]);
    expect(recent).toEqual([
      ['user.unlocked', `user:${user.id}`],
      ['user.password_reset', `user:${user.id}`],
    ]);
  });

  it("leaves an admin's lock in place: no link is sent, and one sent before the lock neither sets the password nor unlocks", async () => {
    const user = await person('held@acme.test');
    await askReset('held@acme.test');
    const link = linkIn((await smtp.mailTo('held@acme.test')).mail, 'account/reset');
    const browser = new Browser();
    await browser.request(link);
    expect((await adminClient(idp)('POST', `/tenants/acme/users/${user.id}/lock`, admin)).body.status).toBe('locked');

    const done = await browser.request(link, { form: { password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
    expect(done.status).toBe(404);
    expect((await idp.services.users.getById(acme.tenant, user.id)).status).toBe('locked');
    expect(await idp.services.users.verifyPassword(acme.tenant, 'held@acme.test', NEW_PASSWORD)).toBeNull();
    const queued = await queuedFor(user.id);
    await askReset('held@acme.test');
    expect(await queuedFor(user.id)).toBe(queued);
  });

  it('takes a limited number of new passwords on one link, then offers a new link instead, even for a good one', async () => {
    await person('tries@acme.test');
    await askReset('tries@acme.test');
    const link = linkIn((await smtp.mailTo('tries@acme.test')).mail, 'account/reset');
    const browser = new Browser();
    await browser.request(link);
    const statuses: number[] = [];
    for (let i = 0; i < LINK_PASSWORD_ATTEMPTS; i++) statuses.push((await browser.request(link, { form: { password: 'aaaaaaaaaaaaaaaa', password_repeat: 'aaaaaaaaaaaaaaaa' } })).status);
    expect(statuses).toEqual(Array<number>(LINK_PASSWORD_ATTEMPTS).fill(400));
    const late = await browser.request(link, { form: { password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('/t/acme/account/reset?ui_locales=en');
    expect(await idp.services.users.verifyPassword(acme.tenant, 'tries@acme.test', NEW_PASSWORD)).toBeNull();
  });

  it('lets exactly one of two simultaneous uses of a link set the password', async () => {
    await person('twice@acme.test');
    await askReset('twice@acme.test');
    const link = linkIn((await smtp.mailTo('twice@acme.test')).mail, 'account/reset');
    const other = 'amber-glacier-violin-harbour-63';
    const browsers = [new Browser(), new Browser()];
    for (const browser of browsers) await browser.request(link);
    const results = await Promise.all([NEW_PASSWORD, other].map((password, i) => browsers[i]!.request(link, { form: { password, password_repeat: password } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    const winner = results[0]!.status === 200 ? NEW_PASSWORD : other;
    expect(await idp.services.users.verifyPassword(acme.tenant, 'twice@acme.test', winner)).not.toBeNull();
  });

  it('refuses a reset request posted from elsewhere, so no site can send mail in a user’s name', async () => {
    const user = await person('forged@acme.test');
    const forged = await new Browser().request(resetPage(), { form: { email: 'forged@acme.test' } });
    expect(forged.status).toBe(403);
    expect(await queuedFor(user.id)).toBe(0);
  });

  it('sends one link a minute at most, however often the form is sent', async () => {
    const user = await person('eager@acme.test');
    await askReset('eager@acme.test');
    await askReset('eager@acme.test');
    expect(await queuedFor(user.id)).toBe(1);
  });

  it('sends nothing to a user whose processing is restricted', async () => {
    const user = await person('restricted@acme.test');
    await adminClient(idp)('POST', `/tenants/acme/users/${user.id}/restrict`, admin);
    await askReset('restricted@acme.test');
    expect(await queuedFor(user.id)).toBe(0);
  });

  it('says a dead reset link is dead, and offers a new one', async () => {
    const res = await new Browser().request(`${resetPage()}/${'B'.repeat(43)}`);
    const html = await res.text();
    expect(res.status).toBe(404);
    expect(html).toContain('This link is not valid');
    expect(html).toContain('/t/acme/account/reset?ui_locales=en');
  });
});
