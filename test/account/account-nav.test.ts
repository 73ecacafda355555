import { translate } from '../../src/i18n/messages.js';
import type { Locale } from '../../src/i18n/locales.js';
import { Browser } from '../support/browser.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** The links of the account navigation, in order: where each goes, what it says, whether it is the current page. */
function navOf(html: string): { href: string; text: string; current: boolean }[] {
  const nav = /<nav class="account-nav" aria-label="([^"]+)">([\s\S]*?)<\/nav>/.exec(html);
  if (!nav) return [];
  return [...nav[2]!.matchAll(/<a href="([^"]+)"([^>]*)>([^<]*)<\/a>/g)].map(([, href, attributes, text]) => ({
    href: href!.replace(/&amp;/g, '&'),
    text: text!,
    current: attributes!.includes('aria-current="page"'),
  }));
}

describe('the account pages link to each other and to sign-out', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let browser: Browser;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'nav');
    ({ browser } = await signIn(await discoverClient(idp.baseUrl, fixture), { email: fixture.user.email! }));
  });
  afterAll(() => idp.close());

  const open = (path: string, locale: Locale = 'en') => browser.request(`${idp.baseUrl}${path}`, { headers: { 'accept-language': locale } });

  it.each([
    ['/t/nav/account/sessions', 0, 'da'],
    ['/t/nav/account/password', 1, 'de'],
    ['/t/nav/account/mfa', 2, 'sv'],
  ] as const)('%s shows the navigation with itself marked as the current page', async (path, index, locale) => {
    const res = await open(path, locale);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`aria-label="${translate(locale, 'account.nav.label')}"`);
    expect(navOf(html)).toEqual([
      { href: '/t/nav/account/sessions', text: translate(locale, 'account.nav.sessions'), current: index === 0 },
      { href: '/t/nav/account/password', text: translate(locale, 'account.nav.password'), current: index === 1 },
      { href: '/t/nav/account/mfa', text: translate(locale, 'account.nav.security'), current: index === 2 },
      { href: `/t/nav/session/end?ui_locales=${locale}`, text: translate(locale, 'account.nav.signOut'), current: false },
    ]);
  });

  it('shows no navigation to a browser that is not signed in', async () => {
    const res = await fetch(`${idp.baseUrl}/t/nav/account/sessions`);
    expect(res.status).toBe(401);
    expect(navOf(await res.text())).toEqual([]);
  });

  it('signs out only through the confirm form and its token, then the account pages ask to sign in', async () => {
    const other = new Browser({ 'accept-language': 'sv' });
    await signIn(await discoverClient(idp.baseUrl, fixture), { email: fixture.user.email!, browser: other });
    const signOut = navOf(await (await other.request(`${idp.baseUrl}/t/nav/account/sessions`)).text()).at(-1)!;

    // Following the link only asks, in the language of the page it was on: the person is still signed in afterwards.
    const confirm = await other.request(new URL(signOut.href, idp.baseUrl).href);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain(translate('sv', 'logout.yes'));
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(page)![1]!;
    expect((await other.request(`${idp.baseUrl}/t/nav/account/sessions`)).status).toBe(200);

    // A post without the form's token, as a forged one from another site would be, ends nothing.
    const forged = await other.request(new URL(action, idp.baseUrl).href, { form: { logout: 'yes' }, submitHidden: false });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect((await other.request(`${idp.baseUrl}/t/nav/account/sessions`)).status).toBe(200);

    const { res } = await other.follow(new URL(action, idp.baseUrl).href, undefined, { form: { logout: 'yes' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(translate('sv', 'loggedOut.heading'));
    expect((await other.request(`${idp.baseUrl}/t/nav/account/sessions`)).status).toBe(401);
    // The other browser's session is its own, and goes on.
    expect((await open('/t/nav/account/sessions')).status).toBe(200);
  });
});
