import type { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, PASSWORD, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { openLogin, signInToStep } from '../support/sign-in-pages.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { totpCode } from '../mfa/mfa-pages.js';

const TEMPORARY = 'Lantern-Orchard-Velvet-42';

/**
 * The sign-in pages carry form tokens and personal data (an email address, a QR code's secret): no cache may
 * keep them, the browser's back-forward cache included. Each page is checked as a person reaches it.
 */
describe('sign-in pages are never cached', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let users = 0;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'nostore');
    await idp.services.tenants.update(fixture.tenant._id, { settings: { mfa: { requiredForRoles: ['security'] } } });
  });
  afterAll(() => idp.close());

  const person = (roles: string[] = []) =>
    asSetup(() => idp.services.users.create(fixture.tenant, { email: `p${++users}@nostore.test`, password: PASSWORD, roles }));
  const noStore = (res: Response) => expect({ status: res.status, cacheControl: res.headers.get('cache-control') }).toEqual({ status: 200, cacheControl: 'no-store' });
  const page = (browser: Browser, url: string) => browser.request(url);

  it('the login page, and the login page shown again after a wrong password', async () => {
    const login = await openLogin(idp.baseUrl, fixture);
    noStore(await page(login.browser, login.url));
    const again = await login.browser.request(login.action, { form: { email: fixture.user.email!, password: 'not-the-password' } });
    expect(again.status).toBe(400);
    expect(again.headers.get('cache-control')).toBe('no-store');
  });

  it('the consent page', async () => {
    const login = await openLogin(idp.baseUrl, fixture);
    const { url } = await login.browser.follow(login.action, REDIRECT_URI, { method: 'POST', form: { email: fixture.user.email!, password: PASSWORD } });
    expect(url).toMatch(/\/interaction\/[^/]+$/);
    noStore(await page(login.browser, url));
  });

  it('the page that sets up a second factor, and the one that asks for it', async () => {
    const enrolling = await person(['security']);
    const enrol = await signInToStep(idp.baseUrl, fixture, enrolling.email!, PASSWORD, 'mfa-enrol');
    noStore(await page(enrol.browser, enrol.url));

    const enrolled = await person(['security']);
    const { secret } = await idp.services.mfa.totp.startEnrolment(fixture.tenant, enrolled);
    expect(await asSetup(async () => idp.services.mfa.totp.confirmEnrolment(fixture.tenant, enrolled.id, await totpCode(secret)))).toBeTruthy();
    const step = await signInToStep(idp.baseUrl, fixture, enrolled.email!, PASSWORD, 'mfa');
    noStore(await page(step.browser, step.url));
  });

  it('the page that replaces a temporary password', async () => {
    const user = await person();
    await asSetup(() => idp.services.users.setPassword(fixture.tenant, user.id, TEMPORARY, 'user.password_reset', { temporary: true }));
    const step = await signInToStep(idp.baseUrl, fixture, user.email!, TEMPORARY, 'change-password');
    noStore(await page(step.browser, step.url));
  });
});
