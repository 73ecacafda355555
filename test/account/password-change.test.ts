import * as client from 'openid-client';
import { translate } from '../../src/i18n/messages.js';
import type { User } from '../../src/users/user.service.js';
import { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { breachedPassword } from '../support/passwords.js';
import { discoverClient, signIn, type SignedIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { alertOf } from '../support/sign-in-pages.js';

const NEW_PASSWORD = 'Quarry-Lilac-Tuba-Meridian-64';
/** Long enough that the breached list alone refuses it. */
const BREACHED = breachedPassword();

describe('changing one’s own password on the account page', () => {
  let idp: TestIdp;
  let acme: TenantFixture;
  let config: client.Configuration;
  let people = 0;

  beforeAll(async () => {
    idp = await startTestIdp();
    acme = await createTenantFixture(idp.services, 'acme');
    config = await discoverClient(idp.baseUrl, acme);
  });
  afterAll(() => idp.close());

  const person = () => asSetup(() => idp.services.users.create(acme.tenant, { email: `person${++people}@acme.test`, password: PASSWORD, name: 'Ada Lindqvist' }));
  const page = () => `${idp.baseUrl}/t/acme/account/password`;
  /** The page opened in the signed-in browser, then its form sent, as the person does it. */
  async function change(browser: Browser, fields: Record<string, string>, locale = 'en'): Promise<{ status: number; html: string }> {
    const headers = { 'accept-language': locale };
    expect((await browser.request(page(), { headers })).status).toBe(200);
    const res = await browser.request(page(), { form: fields, headers });
    return { status: res.status, html: await res.text() };
  }
  const form = (current: string, password: string, repeated = password) => ({ current_password: current, password, password_repeat: repeated });
  const refreshes = async (s: SignedIn) => (await client.refreshTokenGrant(config, s.tokens.refresh_token!)).access_token !== undefined;
  const isPassword = async (user: User, password: string) => (await idp.services.users.verifyPassword(acme.tenant, user.email!, password)) !== null;
  const entriesAbout = (user: User) => idp.services.changeLog.entriesAbout(acme.tenant._id, user.id);

  it('sets the new password, logs one entry as the person, and ends every session and refresh token, this one too', async () => {
    const user = await person();
    const laptop = await signIn(config, { email: user.email! });
    const phone = await signIn(config, { email: user.email! });
    const before = (await entriesAbout(user)).length;

    const done = await change(laptop.browser, form(PASSWORD, NEW_PASSWORD), 'sv');
    expect(done.status).toBe(200);
    expect(done.html).toContain(translate('sv', 'passwordChange.done.text'));

    expect(await isPassword(user, NEW_PASSWORD)).toBe(true);
    expect(await isPassword(user, PASSWORD)).toBe(false);
    const entries = (await entriesAbout(user)).slice(before);
    expect(entries.map((e) => ({ action: e.action, actor: e.actor, fields: e.fields }))).toEqual([{ action: 'user.password_changed', actor: `user:${user.id}`, fields: ['passwordHash'] }]);
    for (const session of [laptop, phone]) await expect(client.refreshTokenGrant(config, session.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await laptop.browser.request(page())).status).toBe(401);
    await signIn(config, { email: user.email!, password: NEW_PASSWORD });
  });

  it('refuses a wrong current password, saying only that, and changes nothing', async () => {
    const user = await person();
    const signedIn = await signIn(config, { email: user.email! });
    const before = (await entriesAbout(user)).length;

    const refused = await change(signedIn.browser, form('not-the-current-one', NEW_PASSWORD), 'de');
    expect(refused.status).toBe(400);
    expect(alertOf(refused.html)).toBe(translate('de', 'passwordChange.error.current'));
    expect(await isPassword(user, PASSWORD)).toBe(true);
    expect(await entriesAbout(user)).toHaveLength(before);
    expect(await refreshes(signedIn)).toBe(true);
  });

  it.each([
    ['breached', BREACHED, 'breached'],
    ['holding the name', 'Lindqvist-Harbour-Quill-58', 'contains_personal_data'],
    ['the current one', PASSWORD, 'reused'],
  ] as const)('applies the password policy: refuses a new password %s, in the page’s language', async (_kind, password, problem) => {
    const user = await person();
    const signedIn = await signIn(config, { email: user.email! });
    const refused = await change(signedIn.browser, form(PASSWORD, password), 'da');
    expect(refused.status).toBe(400);
    expect(alertOf(refused.html)).toBe(translate('da', `password.problem.${problem}`, { min: 12, max: 256 }));
    expect(await refreshes(signedIn)).toBe(true);
    // The form still works after a refusal.
    expect((await change(signedIn.browser, form(PASSWORD, NEW_PASSWORD))).status).toBe(200);
  });

  it('counts wrong current passwords as failed sign-ins, so the form is no way around the lockout', async () => {
    const user = await person();
    const { browser } = await signIn(config, { email: user.email! });
    for (let i = 0; i < 4; i++) expect((await change(browser, form(`wrong-${i}`, NEW_PASSWORD))).status).toBe(400);
    // The fourth failure starts a wait: even the right password is not looked at until it is over.
    const waiting = await change(browser, form(PASSWORD, NEW_PASSWORD));
    expect(waiting.status).toBe(429);
    expect(alertOf(waiting.html)).toMatch(/^Too many failed attempts\. Wait \d+ s, then try again\.$/);
    expect(await isPassword(user, PASSWORD)).toBe(true);
  });

  it('tells a browser without a session to sign in through an app first', async () => {
    const res = await fetch(page(), { headers: { 'accept-language': 'sv' } });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain(translate('sv', 'sessions.signedOut.text'));
  });
});
