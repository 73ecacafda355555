import type { User } from '../../src/users/user.service.js';
import { totpCode } from '../mfa/mfa-pages.js';
import { Browser, formAction } from '../support/browser.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { queuedMail } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { expectFormRefused, signInToStep } from '../support/sign-in-pages.js';

const STRONG = 'Lantern-Orchard-Velvet-42';

/**
 * The forms beyond sign-in and consent (csrf.test.ts shows how a token is bound): each refuses a post without
 * its token, as a forged post from another site would come, before it acts.
 */
describe('a post without its token is refused by', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'acme');
    // Before the tenant's first request, so its provider is built with this policy: a role that must enrol.
    await idp.services.tenants.update(fixture.tenant._id, { settings: { mfa: { requiredForRoles: ['security'] } } });
  });
  afterAll(() => idp.close());

  /** A page as the person's browser shows it; showing it gave the browser its form-token cookie. */
  type Page = { browser: Browser; html: string; url: string };
  /** A form of such a page, its fields filled in. */
  interface Form {
    browser: Browser;
    action: string;
    fields: Record<string, string>;
  }

  let people = 0;
  const person = (roles: string[] = ['employee']) =>
    asSetup(() => idp.services.users.create(fixture.tenant, { email: `person${++people}@acme.test`, password: PASSWORD, name: 'Form Person', roles }));
  const enrolTotp = async (user: User) => {
    const { secret } = await idp.services.mfa.totp.startEnrolment(fixture.tenant, user);
    await asSetup(async () => idp.services.mfa.totp.confirmEnrolment(fixture.tenant, user.id, await totpCode(secret, -1)));
    return user;
  };
  const withTotp = async () => enrolTotp(await person());

  const stepPage = (email: string, password: string, step: string) => signInToStep(idp.baseUrl, fixture, email, password, step);
  const formOn = (page: Page, contains: string, fields: Record<string, string> = {}): Form => ({
    browser: page.browser,
    action: new URL(formAction(page.html, contains), page.url).href,
    fields,
  });
  /** A link from a queued mail, opened in a fresh browser. */
  async function linkPage(to: string): Promise<Page> {
    const { link } = await queuedMail(idp, fixture.tenant, to);
    const browser = new Browser();
    const res = await browser.request(link);
    expect(res.status).toBe(200);
    return { browser, html: await res.text(), url: link };
  }
  /** The account page of a person signed in through the app. */
  async function accountPage(path: string, user?: User): Promise<Page> {
    const who = user ?? (await person());
    const { browser } = await signIn(await discoverClient(idp.baseUrl, fixture), { email: who.email! });
    const url = `${idp.baseUrl}/t/acme/account/${path}`;
    const res = await browser.request(url);
    expect(res.status).toBe(200);
    return { browser, html: await res.text(), url };
  }

  const forms: [string, () => Promise<Form>][] = [
    ['the second-factor code at sign-in', async () => formOn(await stepPage((await withTotp()).email!, PASSWORD, 'mfa'), '/mfa', { code: '123456' })],
    [
      'the passkey answer at sign-in',
      async () => {
        // Without a passkey the page shows no such form; a forged post to it is still answered.
        const form = formOn(await stepPage((await withTotp()).email!, PASSWORD, 'mfa'), '/mfa');
        return { ...form, action: `${form.action}/passkey`, fields: { credential: '{}' } };
      },
    ],
    ['the authenticator app enrolment at sign-in', async () => formOn(await stepPage((await person(['security'])).email!, PASSWORD, 'mfa-enrol'), '/mfa-enrol/totp', { code: '123456' })],
    ['the passkey enrolment at sign-in', async () => formOn(await stepPage((await person(['security'])).email!, PASSWORD, 'mfa-enrol'), '/mfa-enrol/passkey', { credential: '{}' })],
    [
      'the forced password change',
      async () => {
        const user = await person();
        await asSetup(() => idp.services.users.setPassword(fixture.tenant, user.id, STRONG, 'user.temporary_password_set', { temporary: true }));
        return formOn(await stepPage(user.email!, STRONG, 'change-password'), '/change-password', { new_password: 'Harbour-Juniper-Socket-19', new_password_repeat: 'Harbour-Juniper-Socket-19' });
      },
    ],
    [
      "a reset link's new password",
      async () => {
        const user = await person();
        await idp.services.passwordReset.request(fixture.tenant, user.email!, 'en');
        return formOn(await linkPage(user.email!), '/account/reset/', { password: 'Harbour-Juniper-Socket-19', password_repeat: 'Harbour-Juniper-Socket-19' });
      },
    ],
    [
      "an email verification link's button",
      async () => {
        const user = await person();
        const changed = `changed-${user.email}`;
        await asSetup(() => idp.services.users.update(fixture.tenant, user.id, { email: changed }));
        return formOn(await linkPage(changed), '/account/verify/');
      },
    ],
    [
      'the password change on the account page',
      async () => formOn(await accountPage('password'), '/account/password', { current_password: PASSWORD, password: 'Harbour-Juniper-Socket-19', password_repeat: 'Harbour-Juniper-Socket-19' }),
    ],
    ['the authenticator app enrolment on the account page', async () => formOn(await accountPage('mfa'), '/account/mfa/totp', { code: '123456' })],
    ['the passkey enrolment on the account page', async () => formOn(await accountPage('mfa'), '/account/mfa/passkey', { credential: '{}' })],
    [
      'new recovery codes on the account page',
      async () => {
        const user = await person();
        const signedIn = await accountPage('mfa', user);
        // The form is shown once there is a second factor; enrolled after sign-in, so no code is asked for.
        await enrolTotp(user);
        const html = await (await signedIn.browser.request(signedIn.url)).text();
        return formOn({ ...signedIn, html }, '/account/mfa/recovery-codes');
      },
    ],
  ];

  it.each(forms)('%s', async (_form, open) => {
    const form = await open();
    await expectFormRefused(await form.browser.request(form.action, { form: form.fields, submitHidden: false, headers: { 'accept-language': 'sv' } }), 'sv');
  });
});
