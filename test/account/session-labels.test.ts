import { translate } from '../../src/i18n/messages.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { Browser } from '../support/browser.js';
import { rawDocuments } from '../support/database.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const UA = {
  chromeOnAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240905.003) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36',
  safariOnIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  firefoxOnWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
};

/** The device line of each session on the account page, this browser's first among equals. */
function devicesOn(html: string): string[] {
  return [...html.matchAll(/<strong class="device">([^<]*)<\/strong>/g)].map((m) => m[1]!);
}

describe('sessions say which browser and device they were signed in from', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let managerToken: string;
  const call = () => adminClient(idp);

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'labels');
    managerToken = await serviceToken(idp, fixture.tenant, ['user_manager']);
  });
  afterAll(() => idp.close());

  const person = (name: string) => asSetup(() => idp.services.users.create(fixture.tenant, { email: `${name}@labels.test`, password: PASSWORD, name }));
  const signInFrom = async (email: string, userAgent: string) =>
    (await signIn(await discoverClient(idp.baseUrl, fixture), { email, browser: new Browser({ 'user-agent': userAgent }) })).browser;
  const sessionsPage = async (browser: Browser, locale: string) =>
    (await browser.request(`${idp.baseUrl}/t/labels/account/sessions`, { headers: { 'accept-language': locale } })).text();

  it('labels a Chrome-on-Android sign-in "Chrome on Android", in the page language, and keeps no User-Agent', async () => {
    const user = await person('ada');
    const phone = await signInFrom(user.email!, UA.chromeOnAndroid);
    expect(devicesOn(await sessionsPage(phone, 'en'))).toEqual(['Chrome on Android']);
    expect(devicesOn(await sessionsPage(phone, 'da'))).toEqual(['Chrome på Android']);

    const documents = await rawDocuments(idp.db.connection.db!);
    expect(documents.some((d) => d.text.includes('"browser":"Chrome"'))).toBe(true);
    for (const fragment of [UA.chromeOnAndroid, 'Pixel 8', 'AP2A.240905', '131.0.6778', 'AppleWebKit', 'Mozilla/5.0']) {
      expect(documents.filter((d) => d.text.includes(fragment)).map((d) => d.collection)).toEqual([]);
    }
  });

  it("lists each of a person's sessions with its own device, on the page and in the admin API", async () => {
    const user = await person('bo');
    const laptop = await signInFrom(user.email!, UA.firefoxOnWindows);
    await signInFrom(user.email!, UA.safariOnIphone);
    expect(devicesOn(await sessionsPage(laptop, 'en')).sort()).toEqual(['Firefox on Windows', 'Safari on iPhone']);

    const listed = await call()('GET', `/tenants/labels/users/${user.id}/sessions`, managerToken);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((s: { device: unknown }) => s.device)).toEqual(
      expect.arrayContaining([
        { browser: 'Firefox', os: 'Windows' },
        { browser: 'Safari', os: 'iPhone' },
      ]),
    );
    expect(JSON.stringify(listed.body)).not.toContain('Mozilla');
  });

  it('shows "Unknown device" for a session from before devices were recorded', async () => {
    const user = await person('cy');
    const browser = await signInFrom(user.email!, UA.firefoxOnWindows);
    // What a session written by an earlier version holds: no device at all.
    const { modifiedCount } = await idp.db.models.oidcEntries.updateMany({ tenantId: fixture.tenant._id, kind: 'Session', accountId: user.id }, { $unset: { device: '' } });
    expect(modifiedCount).toBe(1);
    expect(devicesOn(await sessionsPage(browser, 'de'))).toEqual([translate('de', 'sessions.unknownDevice')]);
    const listed = await call()('GET', `/tenants/labels/users/${user.id}/sessions`, managerToken);
    expect(listed.body.items.map((s: { device: unknown }) => s.device)).toEqual([null]);
  });
});
