import * as client from 'openid-client';
import type { Browser as Chromium, Page } from 'playwright-core';
import { isCspOrScriptProblem, startRelyingPartyWorld, watchedPage, type RelyingPartyWorld } from '../support/browser-driver.js';
import { PASSWORD, type TenantFixture } from '../support/fixtures.js';

/**
 * oidc-provider's own auto-submitting pages (a form_post authorization response, the logout confirmation of a
 * session that has already ended) run one inline script, allowed by its hash in the page's policy. Without it
 * the person is left on a blank page.
 */
describe("oidc-provider's auto-submitting pages in a real browser (Chromium)", () => {
  let world: RelyingPartyWorld;
  let chromium: Chromium;
  let rp: RelyingPartyWorld['rp'];
  let fixture: TenantFixture;
  let oidc: client.Configuration;

  beforeAll(async () => {
    world = await startRelyingPartyWorld('scripts');
    ({ chromium, rp, fixture, oidc } = world);
  }, 60_000);
  afterAll(() => world?.close());

  /** Signs in on our pages and consents if asked; the flow ends at the relying party. */
  async function signInAndConsent(page: Page): Promise<void> {
    await page.fill('#email', fixture.user.email!);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/login"] button[type="submit"]')]);
    if (page.url().includes('/interaction/')) await Promise.all([page.waitForURL(`${rp.redirectUri}**`), page.click('form[action$="/confirm"] button.btn-primary')]);
    else await page.waitForURL(`${rp.redirectUri}**`);
  }

  it('posts the code and state to the callback with response_mode=form_post', async () => {
    const { page, problems } = await watchedPage(await chromium.newContext());
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(oidc, {
      redirect_uri: rp.redirectUri,
      scope: 'openid',
      response_mode: 'form_post',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    await page.goto(url.href);
    await signInAndConsent(page);

    const posted = rp.posted.at(-1)!;
    expect(posted.get('state')).toBe(state);
    const callback = new URL(rp.redirectUri);
    callback.search = new URLSearchParams({ code: posted.get('code')!, state, iss: posted.get('iss')! }).toString();
    const tokens = await client.authorizationCodeGrant(oidc, callback, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()?.sub).toBe(fixture.user.id);
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
  }, 60_000);

  it('completes an RP-initiated logout whose session has already ended', async () => {
    const { page, problems } = await watchedPage(await chromium.newContext());
    const verifier = client.randomPKCECodeVerifier();
    await page.goto(client.buildAuthorizationUrl(oidc, { redirect_uri: rp.redirectUri, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).href);
    await signInAndConsent(page);

    const logout = (state: string) => client.buildEndSessionUrl(oidc, { post_logout_redirect_uri: rp.redirectUri, state }).href;
    await page.goto(logout('first'));
    await Promise.all([page.waitForURL(`${rp.redirectUri}**`), page.click('button[name="logout"][value="yes"]')]);
    expect(rp.received.at(-1)!.searchParams.get('state')).toBe('first');

    // The session is gone: the provider answers with its auto-submitting confirmation, which must go through.
    await Promise.all([page.waitForURL(`${rp.redirectUri}?state=second`), page.goto(logout('second'))]);
    expect(rp.received.at(-1)!.searchParams.get('state')).toBe('second');
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
  }, 60_000);
});
