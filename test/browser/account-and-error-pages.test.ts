import type { Browser as Chromium } from 'playwright-core';
import { translate } from '../../src/i18n/messages.js';
import { isCspOrScriptProblem, launchChromium, startCallbackServer, startLocalhostIdp, watchedPage } from '../support/browser-driver.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { authorizeUrl } from '../support/sign-in-pages.js';
import type { TestIdp } from '../support/test-idp.js';

type Callback = Awaited<ReturnType<typeof startCallbackServer>>;

describe('error pages and the account navigation in a real browser (Chromium)', () => {
  let idp: TestIdp & { publicUrl: string };
  let chromium: Chromium;
  let rp: Callback;
  let fixture: TenantFixture;

  beforeAll(async () => {
    chromium = await launchChromium();
    idp = await startLocalhostIdp();
    rp = await startCallbackServer();
    fixture = await createTenantFixture(idp.services, 'pages');
    const { clientId } = await asSetup(() =>
      idp.services.clients.create(fixture.tenant._id, {
        client_id: 'pages-browser-app',
        redirect_uris: [rp.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid',
      }),
    );
    fixture = { ...fixture, clientId };
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await rp?.close();
    await idp?.close();
  });

  it("shows an unknown organisation's page styled under the CSP, in the browser's language", async () => {
    const context = await chromium.newContext({ locale: 'de-DE' });
    const { page, problems } = await watchedPage(context);
    const response = await page.goto(`${idp.publicUrl}/t/no-such-org/auth`);
    expect(response?.status()).toBe(404);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await page.textContent('h1')).toBe(translate('de', 'tenantNotFound.heading'));
    expect(await page.textContent('.brand')).toContain('Doorway');
    // The layout's styles ran: the card has its rounded border, which only the nonce'd stylesheet gives it.
    // (The callback runs in the page, where getComputedStyle exists; the project's types know no DOM.)
    const radius = await page.locator('main.card').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopLeftRadius: string } }).getComputedStyle(el).borderTopLeftRadius);
    expect(radius).toBe('12px');
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
    await context.close();
  });

  it('moves between the account pages and signs out through the confirm page', async () => {
    const context = await chromium.newContext({ locale: 'sv-SE' });
    const { page, problems } = await watchedPage(context);
    const url = new URL(authorizeUrl(idp.publicUrl, fixture, { redirect_uri: rp.redirectUri, prompt: 'consent' }));
    await page.goto(url.href);
    await page.fill('#email', fixture.user.email!);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/login"] button[type="submit"]')]);
    await Promise.all([page.waitForURL(`${rp.redirectUri}**`), page.click('form[action$="/confirm"] button.btn-primary')]);

    await page.goto(`${idp.publicUrl}/t/pages/account/sessions`);
    expect(await page.getAttribute('nav.account-nav a[aria-current="page"]', 'href')).toBe('/t/pages/account/sessions');
    // Headless Chromium on this machine: the label is read from its User-Agent at sign-in.
    expect(await page.textContent('.device')).toBe(translate('sv', 'sessions.device', { browser: 'Chrome', os: 'Linux' }));

    await Promise.all([page.waitForNavigation(), page.click(`nav.account-nav >> text=${translate('sv', 'account.nav.password')}`)]);
    expect(await page.textContent('h1')).toBe(translate('sv', 'passwordChange.heading'));
    expect(await page.getAttribute('nav.account-nav a[aria-current="page"]', 'href')).toBe('/t/pages/account/password');

    await Promise.all([page.waitForNavigation(), page.click(`nav.account-nav >> text=${translate('sv', 'account.nav.signOut')}`)]);
    expect(await page.textContent('h1')).toBe(translate('sv', 'logout.heading', { tenant: fixture.tenant.name }));
    await Promise.all([page.waitForNavigation(), page.click(`button[name="logout"][value="yes"]`)]);
    expect(await page.textContent('h1')).toBe(translate('sv', 'loggedOut.heading'));

    const after = await page.goto(`${idp.publicUrl}/t/pages/account/sessions`);
    expect(after?.status()).toBe(401);
    expect(await page.locator('nav.account-nav').count()).toBe(0);
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
    await context.close();
  }, 60_000);
});
