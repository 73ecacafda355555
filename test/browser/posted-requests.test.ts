import * as client from 'openid-client';
import type { Browser as Chromium, Page } from 'playwright-core';
import { startRelyingPartyWorld, type RelyingPartyWorld } from '../support/browser-driver.js';
import { PASSWORD, type TenantFixture } from '../support/fixtures.js';

/**
 * Authorization and end-session requests posted as forms from the relying party's own page: a cross-site
 * POST, with which Chromium sends no SameSite=Lax cookie. The person's session must still be found, because
 * the GET that the post is answered with carries them.
 */
describe('requests posted from a relying party page, in a real browser (Chromium)', () => {
  let world: RelyingPartyWorld;
  let idp: RelyingPartyWorld['idp'];
  let chromium: Chromium;
  let rp: RelyingPartyWorld['rp'];
  let fixture: TenantFixture;
  let oidc: client.Configuration;
  let clientId: string;

  beforeAll(async () => {
    world = await startRelyingPartyWorld('posted');
    ({ idp, chromium, rp, fixture, oidc, clientId } = world);
  }, 60_000);
  afterAll(() => world?.close());

  /** The relying party's page (on 127.0.0.1, another site than localhost) posting `fields` to `action`. */
  async function postFromRelyingParty(page: Page, action: string, fields: Record<string, string>): Promise<void> {
    const start = new URL('/start', rp.redirectUri).href;
    const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`);
    await page.route(start, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><form method="post" action="${action}">${inputs.join('')}<button>Go</button></form>` }));
    await page.goto(start);
    await Promise.all([page.waitForNavigation(), page.click('button')]);
  }

  async function authorizationFields() {
    const verifier = client.randomPKCECodeVerifier();
    const fields = { client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: rp.redirectUri, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: client.randomState() };
    return { verifier, fields };
  }

  async function confirmIfAsked(page: Page): Promise<void> {
    if (page.url().includes('/interaction/')) await Promise.all([page.waitForURL(`${rp.redirectUri}**`), page.click('form[action$="/confirm"] button.btn-primary')]);
  }

  it('signs in from a posted request, then finds the session at the next one, and ends it from a posted logout', async () => {
    const page = await (await chromium.newContext()).newPage();
    const auth = `${idp.publicUrl}/t/posted/auth`;

    const first = await authorizationFields();
    await postFromRelyingParty(page, auth, first.fields);
    expect(await page.locator('#password').count()).toBe(1);
    await page.fill('#email', fixture.user.email!);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/login"] button[type="submit"]')]);
    await confirmIfAsked(page);
    const tokens = await client.authorizationCodeGrant(oidc, new URL(`${rp.redirectUri}${rp.received.at(-1)!.search}`), { pkceCodeVerifier: first.verifier, expectedState: first.fields.state });
    expect(tokens.claims()?.sub).toBe(fixture.user.id);

    // The session cookie is Lax: it did not come with the post, but with the GET the post was answered with.
    const second = await authorizationFields();
    await postFromRelyingParty(page, auth, second.fields);
    await confirmIfAsked(page);
    expect(page.url().startsWith(rp.redirectUri)).toBe(true);
    expect(rp.received.at(-1)!.searchParams.get('state')).toBe(second.fields.state);

    await postFromRelyingParty(page, `${idp.publicUrl}/t/posted/session/end`, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: rp.redirectUri });
    await Promise.all([page.waitForURL(`${rp.redirectUri}**`), page.click('button[name="logout"][value="yes"]')]);
    const third = await authorizationFields();
    await postFromRelyingParty(page, auth, third.fields);
    expect(await page.locator('#password').count()).toBe(1);
  }, 60_000);
});
