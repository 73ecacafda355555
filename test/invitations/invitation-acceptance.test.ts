import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { translate } from '../../src/i18n/messages.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { Browser, submitLinkForm } from '../support/browser.js';
import { createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { REFUSED_FOR_SIGRID } from '../support/passwords.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { linkIn, startIdpWithSmtp, TestSmtpServer } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { alertOf } from '../support/sign-in-pages.js';
import { LINK_PASSWORD_ATTEMPTS } from '../../src/account/link-attempts.js';

const NEW_PASSWORD = 'violet-harbour-quantum-lamp-78';

describe('invitations: from the admin API to the first sign-in', () => {
  let smtp: TestSmtpServer;
  let idp: TestIdp;
  let acme: TenantFixture;
  let admin: string;
  let oidc: client.Configuration;
  let call: ReturnType<typeof adminClient>;
  const invite = (body: Record<string, unknown>) => call('POST', '/tenants/acme/invitations', admin, body);

  beforeAll(async () => {
    ({ smtp, idp } = await startIdpWithSmtp({ auth: { user: 'ses-user', pass: 'ses-secret' } }));
    call = adminClient(idp);
    acme = await createTenantFixture(idp.services, 'acme');
    admin = await serviceToken(idp, acme.tenant, ['tenant_admin']);
    oidc = await discoverClient(idp.baseUrl, acme);
  });
  afterAll(async () => {
    await idp.close();
    await smtp.close();
  });

  it('mails a German invitation, takes a name and a password on the link, and the person signs in', async () => {
    const created = await invite({ email: 'Greta@Example.test', name: 'Greta Gärtner', locale: 'de', roles: ['employee'], door_permissions: [{ door_id: 'main-entrance' }] });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ email: 'greta@example.test', state: 'pending', delivery_state: 'queued', roles: ['employee'] });

    const { mail, secure, user } = await smtp.mailTo('greta@example.test');
    expect({ secure, user }).toEqual({ secure: true, user: 'ses-user' });
    expect(mail.from?.value[0]?.address).toBe('no-reply@doorway.test');
    expect(mail.subject).toBe('Ihre Einladung zu Tenant acme');
    expect(mail.messageId).toMatch(/^<mal_[\w-]+@doorway\.test>$/);
    expect(mail.headers.get('content-language')).toBe('de');
    const link = linkIn(mail, 'invitations');
    expect(link.startsWith(`${idp.baseUrl}/t/acme/invitations/`)).toBe(true);
    expect(mail.text).toContain('Guten Tag Greta Gärtner,');
    expect(mail.text).toContain('in 7 Tagen ab');
    expect(mail.html).toContain('Einladung annehmen');
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.html).toContain('<html lang="de">');

    const browser = new Browser();
    const page = await browser.request(link);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('lang="de"');
    expect(html).toContain('Erstellen Sie Ihr Konto bei Tenant acme');
    expect(html).toContain('greta@example.test');

    const weak = await browser.request(link, { form: { name: 'Greta Gärtner', password: 'kurz', password_repeat: 'kurz' } });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('mindestens 12 Zeichen');

    const done = await browser.request(link, { form: { name: 'Greta G.', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Ihr Konto ist bereit');

    const { tokens } = await signIn(oidc, { email: 'greta@example.test', password: NEW_PASSWORD });
    const claims = decodeJwt(tokens.id_token!);
    expect(claims).toMatchObject({ roles: ['employee'] });
    // Email and name travel at userinfo; the ID token holds them only when the claims parameter asks there.
    expect(await client.fetchUserInfo(oidc, tokens.access_token, claims.sub!)).toMatchObject({ email: 'greta@example.test', name: 'Greta G.' });
    expect(claims.door_permissions).toEqual([{ door_id: 'main-entrance', door_name: 'Main entrance', valid_from: null, valid_until: null }]);
    const profile = await call('GET', `/tenants/acme/users/${claims.sub}`, admin);
    expect(profile.body).toMatchObject({ status: 'active', email_verified: true, locale: 'de' });

    const invitation = await call('GET', `/tenants/acme/invitations/${created.body.id}`, admin);
    expect(invitation.body).toMatchObject({ state: 'accepted', delivery_state: 'sent', user_id: claims.sub });
    expect(invitation.body.email).toBeUndefined();
  });

  it('refuses a breached password and one holding the email, in the invitation’s language, and the link still works', async () => {
    const created = await invite({ email: 'sigrid.lund@example.test', locale: 'da' });
    const link = linkIn((await smtp.mailTo('sigrid.lund@example.test')).mail, 'invitations');
    const browser = new Browser();
    await browser.request(link);
    for (const [password, problem] of REFUSED_FOR_SIGRID) {
      const res = await browser.request(link, { form: { name: 'Robin Berg', password, password_repeat: password } });
      expect(res.status).toBe(400);
      expect(alertOf(await res.text())).toBe(translate('da', `password.problem.${problem}`));
      expect((await call('GET', `/tenants/acme/invitations/${created.body.id}`, admin)).body.state).toBe('pending');
    }
    const done = await browser.request(link, { form: { name: 'Robin Berg', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect((await call('GET', `/tenants/acme/invitations/${created.body.id}`, admin)).body.state).toBe('accepted');
  });

  it('records the acceptance, the new user and the door grant as the invited person', async () => {
    const created = await invite({ email: 'hugo@example.test', door_permissions: [{ door_id: 'lab' }] });
    const link = linkIn((await smtp.mailTo('hugo@example.test')).mail, 'invitations');
    await submitLinkForm(link, { name: 'Hugo', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD });
    const userId = (await call('GET', `/tenants/acme/invitations/${created.body.id}`, admin)).body.user_id as string;

    const aboutInvitation = (await call('GET', `/tenants/acme/change-log?subject=${created.body.id}`, admin)).body.items;
    expect(aboutInvitation.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['invitation.accepted', `user:${userId}`],
      ['invitation.created', expect.stringMatching(/^service:.+@acme$/)],
    ]);
    const aboutUser = (await call('GET', `/tenants/acme/change-log?subject=${userId}`, admin)).body.items;
    expect(aboutUser.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['door_permission.granted', `user:${userId}`],
      ['user.created', `user:${userId}`],
    ]);
    expect(JSON.stringify([aboutInvitation, aboutUser])).not.toContain('hugo@');
  });

  describe('an invitation that names an app', () => {
    /** An app registered through the admin API, as a tenant admin would. */
    async function registerApp(extra: Record<string, unknown>): Promise<string> {
      const body = { client_name: 'Visitor app', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], scope: 'openid', ...extra };
      const res = await call('POST', '/tenants/acme/clients', admin, body);
      expect(res.status).toBe(201);
      return res.body.client_id as string;
    }

    /** Opens the link's page, then sends its form: the page's CSP and the answer to the form. */
    async function accept(email: string): Promise<{ csp: string; res: Response }> {
      const link = linkIn((await smtp.mailTo(email)).mail, 'invitations');
      const browser = new Browser();
      const page = await browser.request(link);
      expect(page.status).toBe(200);
      const res = await browser.request(link, { form: { name: 'Ines', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
      return { csp: page.headers.get('content-security-policy') ?? '', res };
    }

    it("sends the person to the app's initiate_login_uri with iss and login_hint, never to its redirect URI", async () => {
      const clientId = await registerApp({ initiate_login_uri: 'https://visitors.example.test/start?from=doorway' });
      expect((await invite({ email: 'ines@example.test', client_id: clientId })).status).toBe(202);
      const { csp, res } = await accept('ines@example.test');

      // The page's form may lead to the app's origin and no other (Chrome checks redirects after a post).
      expect(csp).toMatch(/form-action 'self' https:\/\/visitors\.example\.test;/);
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe('https://visitors.example.test/start');
      expect(Object.fromEntries(location.searchParams)).toEqual({ from: 'doorway', iss: `${idp.baseUrl}/t/acme`, login_hint: 'ines@example.test' });
    });

    it('goes to the initiate_login_uri even when an older caller gave a redirect_uri, which is never a destination', async () => {
      const clientId = await registerApp({ initiate_login_uri: 'https://visitors.example.test/start' });
      expect((await invite({ email: 'iris@example.test', client_id: clientId, redirect_uri: REDIRECT_URI })).status).toBe(202);
      const { res } = await accept('iris@example.test');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).not.toContain(REDIRECT_URI);
      expect(new URL(res.headers.get('location')!).searchParams.has('code')).toBe(false);
    });

    it("shows the done page with a link to the app's client_uri when it has no initiate_login_uri", async () => {
      const clientId = await registerApp({ client_name: 'Visitor portal', client_uri: 'https://portal.example.test/' });
      await invite({ email: 'ivo@example.test', client_id: clientId, redirect_uri: REDIRECT_URI, locale: 'de' });
      const { csp, res } = await accept('ivo@example.test');
      expect(csp).toContain("form-action 'self';");
      expect(res.status).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      const html = await res.text();
      expect(html).toContain('Ihr Konto ist bereit');
      expect(html).toContain(`<a class="btn btn-primary" href="https://portal.example.test/">${translate('de', 'invitation.done.continue', { app: 'Visitor portal' })}</a>`);
    });

    it('shows the done page without a link when the app registered neither, or was deleted meanwhile', async () => {
      const plain = await registerApp({});
      const gone = await registerApp({ initiate_login_uri: 'https://gone.example.test/start' });
      await invite({ email: 'ida@example.test', client_id: plain, locale: 'en' });
      await invite({ email: 'ike@example.test', client_id: gone, locale: 'en' });
      expect((await call('DELETE', `/tenants/acme/clients/${gone}`, admin)).status).toBe(204);
      for (const email of ['ida@example.test', 'ike@example.test']) {
        const { csp, res } = await accept(email);
        expect(csp).toContain("form-action 'self';");
        expect(res.status).toBe(200);
        const html = await res.text();
        expect(html).toContain(translate('en', 'invitation.done.heading'));
        expect(html).not.toContain('<a class="btn');
      }
    });

    it('refuses an app the tenant has not registered, and a redirect_uri without its app', async () => {
      const unknown = await invite({ email: 'jo@example.test', client_id: 'no-such-app' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([{ field: 'body.client_id', message: 'no such client in this tenant' }]);
      const orphan = await invite({ email: 'jo@example.test', redirect_uri: REDIRECT_URI });
      expect(orphan.status).toBe(400);
      expect(orphan.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.client_id']);
    });
  });

  it('refuses an app redirect the client has not registered', async () => {
    const res = await invite({ email: 'jan@example.test', client_id: acme.clientId, redirect_uri: 'https://evil.example/callback' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('body.redirect_uri');
  });

  describe('a link that does not work says why, in the invitation language', () => {
    const open = async (link: string) => {
      const res = await new Browser().request(link);
      return { status: res.status, type: res.headers.get('content-type'), html: await res.text() };
    };

    it('answers an unknown token with 404 and a page, not JSON', async () => {
      const page = await open(`${idp.baseUrl}/t/acme/invitations/${'A'.repeat(43)}?ui_locales=sv`);
      expect(page).toMatchObject({ status: 404, type: expect.stringContaining('text/html') });
      expect(page.html).toContain('Länken är ogiltig');
    });

    it('answers an expired link with 410', async () => {
      const created = await invite({ email: 'kim@example.test', locale: 'da' });
      const link = linkIn((await smtp.mailTo('kim@example.test')).mail, 'invitations');
      await idp.db.models.invitations.updateOne({ tenantId: acme.tenant._id, _id: created.body.id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      const page = await open(link);
      expect(page.status).toBe(410);
      expect(page.html).toContain('Linket er udløbet');
      expect((await call('GET', `/tenants/acme/invitations/${created.body.id}`, admin)).body.state).toBe('expired');
    });

    it('answers a used link with 410 and points to sign-in', async () => {
      await invite({ email: 'lea@example.test', locale: 'en' });
      const link = linkIn((await smtp.mailTo('lea@example.test')).mail, 'invitations');
      await submitLinkForm(link, { name: 'Lea', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD });
      const page = await open(link);
      expect(page.status).toBe(410);
      expect(page.html).toContain('This link has already been used');
      expect(page.html).toContain('you can sign in');
    });

    it('answers a revoked invitation with 410', async () => {
      const created = await invite({ email: 'max@example.test', locale: 'de' });
      const link = linkIn((await smtp.mailTo('max@example.test')).mail, 'invitations');
      const openedBefore = new Browser();
      await openedBefore.request(link);
      expect((await call('POST', `/tenants/acme/invitations/${created.body.id}/revoke`, admin)).status).toBe(200);
      const page = await open(link);
      expect(page.status).toBe(410);
      expect(page.html).toContain('Diese Einladung wurde zurückgezogen');
      const post = await openedBefore.request(link, { form: { name: 'Max', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
      expect(post.status).toBe(410);
    });
  });

  it('refuses a form posted from elsewhere, without the token its page carries', async () => {
    const created = await invite({ email: 'olga@example.test' });
    const link = linkIn((await smtp.mailTo('olga@example.test')).mail, 'invitations');
    const forged = await new Browser().request(link, { form: { name: 'Olga', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
    expect(forged.status).toBe(403);
    expect((await call('GET', `/tenants/acme/invitations/${created.body.id}`, admin)).body.state).toBe('pending');
  });

  it('lets exactly one of two simultaneous acceptances create the user', async () => {
    await invite({ email: 'nina@example.test' });
    const link = linkIn((await smtp.mailTo('nina@example.test')).mail, 'invitations');
    const form = { name: 'Nina', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD };
    const browsers = [new Browser(), new Browser()];
    for (const browser of browsers) await browser.request(link);
    const results = await Promise.all(browsers.map((browser) => browser.request(link, { form })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    const users = await call('GET', '/tenants/acme/users?email=nina@example.test', admin);
    expect(users.body.items).toHaveLength(1);
  });

  it('leaves one user of an address that an admin gives a user while its invitation is being accepted', async () => {
    await invite({ email: 'pia@example.test' });
    const link = linkIn((await smtp.mailTo('pia@example.test')).mail, 'invitations');
    const browser = new Browser();
    await browser.request(link);
    const [accepted, created] = await Promise.all([
      browser.request(link, { form: { name: 'Pia', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } }),
      call('POST', '/tenants/acme/users', admin, { email: 'pia@example.test', name: 'Pia' }),
    ]);
    // Whichever came first has the address; the other is told it is taken (409) or that the link is used (410).
    expect([accepted.status, created.status].sort()).toEqual(accepted.status === 200 ? [200, 409] : [201, 410]);
    expect((await call('GET', '/tenants/acme/users?email=pia@example.test', admin)).body.items).toHaveLength(1);
    // An address taken before the link is followed: the link answers as used, and no second user appears.
    await invite({ email: 'quinn@example.test' });
    const later = linkIn((await smtp.mailTo('quinn@example.test')).mail, 'invitations');
    expect((await call('POST', '/tenants/acme/users', admin, { email: 'quinn@example.test', name: 'Quinn' })).status).toBe(201);
    expect((await submitLinkForm(later, { name: 'Quinn', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD })).status).toBe(410);
    expect((await call('GET', '/tenants/acme/users?email=quinn@example.test', admin)).body.items).toHaveLength(1);
  });

  it('takes a limited number of passwords on one link, then answers it as used, even for a good one', async () => {
    await invite({ email: 'rik@example.test', locale: 'en' });
    const link = linkIn((await smtp.mailTo('rik@example.test')).mail, 'invitations');
    const browser = new Browser();
    await browser.request(link);
    const weak = { name: 'Rik', password: 'aaaaaaaaaaaaaaaa', password_repeat: 'aaaaaaaaaaaaaaaa' };
    const statuses: number[] = [];
    for (let i = 0; i < LINK_PASSWORD_ATTEMPTS; i++) statuses.push((await browser.request(link, { form: weak })).status);
    expect(statuses).toEqual(Array<number>(LINK_PASSWORD_ATTEMPTS).fill(400));
    const late = await browser.request(link, { form: { name: 'Rik', password: NEW_PASSWORD, password_repeat: NEW_PASSWORD } });
    expect(late.status).toBe(410);
    expect((await call('GET', '/tenants/acme/users?email=rik@example.test', admin)).body.items).toHaveLength(0);
  });
});
