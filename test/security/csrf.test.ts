import { formAction } from '../support/browser.js';
import { createTenantFixture, PASSWORD, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { expectFormRefused, openLogin, submitLogin, type LoginPage } from '../support/sign-in-pages.js';

/** Every form we render carries a token bound to the browser and to what the form acts on. */
describe('forms refuse posts without their token', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'acme');
  });
  afterAll(() => idp.close());

  const tokenOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const swedish = { 'accept-language': 'sv' };

  const expectRefused = (res: Response) => expectFormRefused(res, 'sv');

  describe('the login form', () => {
    const post = (page: LoginPage, fields: Record<string, string>) =>
      page.browser.request(page.action, { form: { email: fixture.user.email!, password: PASSWORD, ...fields }, submitHidden: false, headers: swedish });

    it('carries a token in a hidden field', async () => {
      expect(tokenOf((await openLogin(idp.baseUrl, fixture)).html)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('refuses a post without the token with 403 and a localized page, even with the right password', async () => {
      await expectRefused(await post(await openLogin(idp.baseUrl, fixture), {}));
    });

    it('refuses a wrong token', async () => {
      await expectRefused(await post(await openLogin(idp.baseUrl, fixture), { csrf: 'A'.repeat(43) }));
    });

    it("refuses the token of another sign-in's form in the same browser", async () => {
      const first = await openLogin(idp.baseUrl, fixture);
      const second = await openLogin(idp.baseUrl, fixture, { browser: first.browser });
      await expectRefused(await post(second, { csrf: tokenOf(first.html)! }));
    });

    it("refuses a form's token sent by a browser that never saw it (no cookie)", async () => {
      const victim = await openLogin(idp.baseUrl, fixture);
      const attacker = await openLogin(idp.baseUrl, fixture);
      // The attacker's own sign-in, with the victim's token: the token fits neither this browser nor this form.
      await expectRefused(await post(attacker, { csrf: tokenOf(victim.html)! }));
    });

    it('accepts the form as rendered', async () => {
      const page = await openLogin(idp.baseUrl, fixture);
      const answer = await submitLogin(page, fixture.user.email!, PASSWORD);
      expect(answer.status).toBe(303);
    });
  });

  describe('the consent form', () => {
    async function consentPage(): Promise<{ page: LoginPage; html: string; url: string }> {
      const page = await openLogin(idp.baseUrl, fixture);
      const { url, res } = await page.browser.follow(page.action, REDIRECT_URI, { method: 'POST', form: { email: fixture.user.email!, password: PASSWORD } });
      return { page, html: await res.text(), url };
    }

    it.each(['/confirm', '/abort'])('refuses %s without the token', async (path) => {
      const { page, html, url } = await consentPage();
      const action = new URL(formAction(html, path), url).href;
      await expectRefused(await page.browser.request(action, { form: {}, submitHidden: false, headers: swedish }));
    });

    it('accepts the form as rendered and goes on to the app', async () => {
      const { page, html, url } = await consentPage();
      const { url: end } = await page.browser.follow(new URL(formAction(html, '/confirm'), url).href, REDIRECT_URI, { method: 'POST', form: {} });
      expect(end.startsWith(REDIRECT_URI)).toBe(true);
    });
  });
});
