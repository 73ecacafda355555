import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core';
import { translate } from '../../src/i18n/messages.js';
import { launchChromium, startCallbackServer, startLocalhostIdp } from '../support/browser-driver.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { authorizeUrl } from '../support/sign-in-pages.js';
import type { TestIdp } from '../support/test-idp.js';

type Callback = Awaited<ReturnType<typeof startCallbackServer>>;

/** One browser, two tenants of one deployment: each keeps its own session, whatever the other does. */
describe('a session per tenant in one browser (Chromium)', () => {
  let idp: TestIdp & { publicUrl: string };
  let chromium: Chromium;
  let rp: Callback;
  let first: TenantFixture;
  // A slug that starts with the first one's: its path must not receive the first tenant's cookie either.
  let second: TenantFixture;
  let context: BrowserContext;
  let page: Page;

  /** A tenant with an app whose redirect URI is the callback server's. */
  async function tenantWithApp(slug: string): Promise<TenantFixture> {
    const fixture = await createTenantFixture(idp.services, slug);
    const { clientId } = await asSetup(() =>
      idp.services.clients.create(fixture.tenant._id, {
        redirect_uris: [rp.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid',
      }),
    );
    return { ...fixture, clientId };
  }

  /** The app's authorization request in the browser, answered at the callback: the parameters the app receives. */
  async function authorize(fixture: TenantFixture, prompt: 'consent' | 'none'): Promise<URLSearchParams> {
    const url = authorizeUrl(idp.publicUrl, fixture, { redirect_uri: rp.redirectUri, prompt, state: `${fixture.tenant.slug}-${prompt}` });
    if (prompt === 'none') {
      await Promise.all([page.waitForURL(`${rp.redirectUri}**`), page.goto(url)]);
    } else {
      await page.goto(url);
      await page.fill('#email', fixture.user.email!);
      await page.fill('#password', PASSWORD);
      await page.click('form[action$="/login"] button[type="submit"]');
      await page.waitForSelector('form[action$="/confirm"]');
      await Promise.all([page.waitForURL(`${rp.redirectUri}**`), page.click('form[action$="/confirm"] button.btn-primary')]);
    }
    return new URL(page.url()).searchParams;
  }

  beforeAll(async () => {
    chromium = await launchChromium();
    idp = await startLocalhostIdp();
    rp = await startCallbackServer();
    first = await tenantWithApp('harbour');
    second = await tenantWithApp('harbour-north');
    context = await chromium.newContext({ locale: 'en-GB' });
    page = await context.newPage();
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await rp?.close();
    await idp?.close();
  });

  it('keeps the first tenant signed in after a sign-in at the second: both answer prompt=none with a code', async () => {
    expect((await authorize(first, 'consent')).get('code')).toEqual(expect.any(String));
    expect((await authorize(second, 'consent')).get('code')).toEqual(expect.any(String));

    for (const fixture of [first, second]) {
      const answer = await authorize(fixture, 'none');
      expect({ error: answer.get('error'), state: answer.get('state') }).toEqual({ error: null, state: `${fixture.tenant.slug}-none` });
      expect(answer.get('code')).toEqual(expect.any(String));
    }
  });

  it("holds each tenant's session cookie under that tenant's path only", async () => {
    const sessions = (await context.cookies()).filter((c) => c.name === '_session');
    expect(sessions.map((c) => c.path).sort()).toEqual(['/t/harbour', '/t/harbour-north']);
    expect(sessions.every((c) => c.httpOnly && c.sameSite === 'Lax')).toBe(true);
    expect(new Set(sessions.map((c) => c.value)).size).toBe(2);

    // What the browser sends: one session cookie to each tenant, the second's path not matching the first's.
    for (const fixture of [first, second]) {
      const [request] = await Promise.all([page.waitForRequest(`**/t/${fixture.tenant.slug}/account/sessions`), page.goto(`${idp.publicUrl}/t/${fixture.tenant.slug}/account/sessions`)]);
      const sent = (await request.allHeaders()).cookie ?? '';
      const own = sessions.find((c) => c.path === `/t/${fixture.tenant.slug}`)!;
      expect(sent.match(/(?:^|; )_session=([^;]*)/g)).toEqual([expect.stringContaining(`_session=${own.value}`)]);
    }
  });

  it("shows each tenant's account page to its own signed-in person", async () => {
    for (const fixture of [first, second]) {
      const response = await page.goto(`${idp.publicUrl}/t/${fixture.tenant.slug}/account/sessions`);
      expect(response?.status()).toBe(200);
      expect(await page.textContent('h1')).toBe(translate('en', 'sessions.heading'));
      expect(await page.locator('text=' + translate('en', 'sessions.current')).count()).toBe(1);
    }
  });

  it('signs out of one tenant and leaves the other signed in', async () => {
    await page.goto(`${idp.publicUrl}/t/${first.tenant.slug}/session/end`);
    await Promise.all([page.waitForNavigation(), page.click('button[name="logout"][value="yes"]')]);
    expect(await page.textContent('h1')).toBe(translate('en', 'loggedOut.heading'));

    expect((await authorize(first, 'none')).get('error')).toBe('login_required');
    expect((await authorize(second, 'none')).get('code')).toEqual(expect.any(String));
  });
});
