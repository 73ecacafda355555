import * as client from 'openid-client';
import { translate } from '../../src/i18n/messages.js';
import { adminClient, serviceToken } from '../support/admin.js';
import type { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn, type SignedIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** The session blocks of the account page: whether each is this browser's, and the form that ends it. */
function sessionsOn(html: string): { current: boolean; action: string }[] {
  return html
    .split('<div class="notice session">')
    .slice(1)
    .map((block) => ({ current: block.includes(translate('en', 'sessions.current')), action: /action="([^"]+)"/.exec(block)![1]! }));
}

describe('sign-in sessions', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let config: client.Configuration;
  let call: ReturnType<typeof adminClient>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    a = await createTenantFixture(idp.services, 'tenant-a');
    const b = await createTenantFixture(idp.services, 'tenant-b');
    config = await discoverClient(idp.baseUrl, a);
    tokens.managerA = await serviceToken(idp, a.tenant, ['user_manager']);
    tokens.auditorA = await serviceToken(idp, a.tenant, ['auditor']);
    tokens.adminB = await serviceToken(idp, b.tenant, ['tenant_admin']);
  });
  afterAll(() => idp.close());

  const person = (name: string) => asSetup(() => idp.services.users.create(a.tenant, { email: `${name}@tenant-a.test`, password: PASSWORD, name }));
  const accountPage = (browser: Browser) => browser.request(`${idp.baseUrl}/t/tenant-a/account/sessions`, { headers: { 'accept-language': 'en' } });
  const stillWorks = async (s: SignedIn) => (await client.refreshTokenGrant(config, s.tokens.refresh_token!)).access_token !== undefined;
  const refused = (s: SignedIn) => expect(client.refreshTokenGrant(config, s.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

  describe('on the account page', () => {
    it('lists where the person is signed in, this browser marked, and names the app', async () => {
      const user = await person('jo');
      const laptop = await signIn(config, { email: user.email! });
      await signIn(config, { email: user.email! });
      const res = await accountPage(laptop.browser);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(sessionsOn(html).map((s) => s.current).sort()).toEqual([false, true]);
      expect(html).toContain('tenant-a app');
    });

    it("ends another of the person's sessions, and that session's refresh token stops working", async () => {
      const user = await person('kim');
      const laptop = await signIn(config, { email: user.email! });
      const phone = await signIn(config, { email: user.email! });
      const other = sessionsOn(await (await accountPage(laptop.browser)).text()).find((s) => !s.current)!;

      const ended = await laptop.browser.request(new URL(other.action, idp.baseUrl).href, { form: {} });
      expect(ended.status).toBe(303);
      const after = await (await laptop.browser.request(new URL(ended.headers.get('location')!, idp.baseUrl).href)).text();
      expect(after).toContain(translate('en', 'sessions.ended'));
      expect(sessionsOn(after).map((s) => s.current)).toEqual([true]);

      await refused(phone);
      expect(await stillWorks(laptop)).toBe(true);
      const log = await call('GET', `/tenants/tenant-a/change-log?subject=${user.id}&action=user.session_ended`, tokens.auditorA);
      expect(log.body.items.map((e: { actor: string }) => e.actor)).toEqual([`user:${user.id}`]);
    });

    it("ends nothing of another person's, whatever handle is posted", async () => {
      const lee = await person('lee');
      const max = await person('max');
      const lees = await signIn(config, { email: lee.email! });
      const maxs = await signIn(config, { email: max.email! });
      const maxAction = sessionsOn(await (await accountPage(maxs.browser)).text())[0]!.action;
      // Lee's browser posts Max's handle with Lee's own valid form token.
      const csrf = /name="csrf" value="([^"]+)"/.exec(await (await accountPage(lees.browser)).text())![1]!;
      const res = await lees.browser.request(new URL(maxAction, idp.baseUrl).href, { form: { csrf } });
      expect(res.status).toBe(303);
      expect(await stillWorks(maxs)).toBe(true);
    });

    it('refuses the form without its token', async () => {
      const user = await person('ned');
      const signedIn = await signIn(config, { email: user.email! });
      const [mine] = sessionsOn(await (await accountPage(signedIn.browser)).text());
      const res = await signedIn.browser.request(new URL(mine!.action, idp.baseUrl).href, { form: {}, submitHidden: false });
      expect(res.status).toBe(403);
      expect(await stillWorks(signedIn)).toBe(true);
    });

    it('tells a browser without a session to sign in through an app first', async () => {
      const res = await fetch(`${idp.baseUrl}/t/tenant-a/account/sessions`, { headers: { 'accept-language': 'de' } });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain(translate('de', 'sessions.signedOut.text'));
    });
  });

  describe('through the admin API', () => {
    it("lists a user's sessions and ends them all, refresh tokens included, logged as the admin's doing", async () => {
      const user = await person('ola');
      const first = await signIn(config, { email: user.email! });
      const second = await signIn(config, { email: user.email! });

      const listed = await call('GET', `/tenants/tenant-a/users/${user.id}/sessions`, tokens.managerA);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(2);
      expect(listed.body.items[0].client_ids).toEqual([a.clientId]);
      expect(JSON.stringify(listed.body)).not.toMatch(/"id"/);

      const res = await call('POST', `/tenants/tenant-a/users/${user.id}/sessions/revoke`, tokens.managerA);
      expect(res.body).toEqual({ sessions_ended: 2 });
      await refused(first);
      await refused(second);
      expect((await call('GET', `/tenants/tenant-a/users/${user.id}/sessions`, tokens.managerA)).body.items).toEqual([]);
      const log = await call('GET', `/tenants/tenant-a/change-log?subject=${user.id}&action=user.sessions_ended`, tokens.auditorA);
      expect(log.body.items[0].actor).toMatch(/^service:cli_.+@tenant-a$/);
    });

    it.each([
      ['auditorA', 403],
      ['adminB', 404],
    ])('answers %s with %i and ends nothing', async (who, status) => {
      const user = await person(`matrix-${who}`);
      const signedIn = await signIn(config, { email: user.email! });
      expect((await call('POST', `/tenants/tenant-a/users/${user.id}/sessions/revoke`, tokens[who])).status).toBe(status);
      expect(await stillWorks(signedIn)).toBe(true);
    });
  });
});
