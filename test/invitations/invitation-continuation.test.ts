import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { Browser as Chromium } from 'playwright-core';
import { isCspOrScriptProblem, launchChromium, startCallbackServer, startLocalhostIdp, watchedPage } from '../support/browser-driver.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { makeCertificate } from '../support/smtp.js';
import type { TestIdp } from '../support/test-idp.js';

const NEW_PASSWORD = 'violet-harbour-quantum-lamp-78';

/** The app's own site over https (initiate_login_uri must be https): records each request, answers with a redirect. */
async function startAppSite(): Promise<{ url: string; asked: URL[]; answer: (asked: URL) => string; close(): Promise<void> }> {
  const { key, cert } = makeCertificate();
  const site = {
    url: '',
    asked: [] as URL[],
    answer: (_asked: URL) => 'about:blank',
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer({ key, cert }, (req, res) => {
    const asked = new URL(req.url ?? '/', site.url);
    if (asked.pathname !== '/start') return void res.writeHead(404).end();
    site.asked.push(asked);
    res.writeHead(302, { location: site.answer(asked) }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.url = `https://localhost:${(server.address() as AddressInfo).port}`;
  return site;
}

/**
 * From the invitation to the app in a real browser: after accepting, the person is sent to the app's
 * initiate_login_uri, the app starts its own authorization request (its state, its PKCE), and only that
 * request's answer, with a code, ever reaches the app's redirect URI.
 */
describe('accepting an invitation that names an app (Chromium)', () => {
  let idp: TestIdp & { publicUrl: string };
  let chromium: Chromium;
  let rp: Awaited<ReturnType<typeof startCallbackServer>>;
  let fixture: TenantFixture;
  let app: client.Configuration;
  let clientId: string;
  let appStart: Awaited<ReturnType<typeof startAppSite>>;

  beforeAll(async () => {
    chromium = await launchChromium();
    idp = await startLocalhostIdp();
    rp = await startCallbackServer();
    appStart = await startAppSite();
    fixture = await createTenantFixture(idp.services, 'welcome');
    const registered = await asSetup(() =>
      idp.services.clients.create(fixture.tenant._id, {
        client_name: 'Visitor app',
        redirect_uris: [rp.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid',
        initiate_login_uri: `${appStart.url}/start`,
      }),
    );
    clientId = registered.clientId;
    app = await client.discovery(new URL(`${idp.publicUrl}/t/welcome`), clientId, registered.clientSecret, client.ClientSecretBasic(registered.clientSecret!), {
      execute: [client.allowInsecureRequests],
    });
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await rp?.close();
    await appStart?.close();
    await idp?.close();
  });

  it('sends the person to the app, which signs them in with a code and its own state', async () => {
    const { link } = await asSetup(() =>
      idp.services.invitations.createWithLink(fixture.tenant, { email: 'vera@welcome.test', locale: 'en', roles: ['employee'], doors: [], clientId }),
    );
    // The app's site has a certificate of this run, which the browser is told to accept.
    const context = await chromium.newContext({ locale: 'en-GB', ignoreHTTPSErrors: true });
    const { page, problems } = await watchedPage(context);

    // The app's answer at its initiate_login_uri: its own authorization request, for the person it was hinted.
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const challenge = await client.calculatePKCECodeChallenge(verifier);
    appStart.answer = (asked) =>
      client.buildAuthorizationUrl(app, {
        redirect_uri: rp.redirectUri,
        scope: 'openid',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state,
        login_hint: asked.searchParams.get('login_hint')!,
      }).href;

    await page.goto(link);
    await page.fill('#name', 'Vera Visser');
    await page.fill('#password', NEW_PASSWORD);
    await page.fill('#password_repeat', NEW_PASSWORD);
    await Promise.all([page.waitForURL(/\/interaction\/[^/]+$/), page.click('form button[type="submit"]')]);

    // The app was asked to start a sign-in at this tenant, for this person; its redirect URI heard nothing.
    expect(appStart.asked.map((u) => [u.pathname, Object.fromEntries(u.searchParams)])).toEqual([['/start', { iss: `${idp.publicUrl}/t/welcome`, login_hint: 'vera@welcome.test' }]]);
    expect(rp.received).toEqual([]);
    // The sign-in page knows who is coming.
    expect(await page.inputValue('#email')).toBe('vera@welcome.test');

    await page.fill('#password', NEW_PASSWORD);
    await page.click('form[action$="/login"] button[type="submit"]');
    await page.waitForSelector('form[action$="/confirm"]');
    await Promise.all([page.waitForURL(`${rp.redirectUri}**`), page.click('form[action$="/confirm"] button.btn-primary')]);

    expect(rp.received).toHaveLength(1);
    const callback = rp.received[0]!;
    expect(callback.searchParams.get('state')).toBe(state);
    const tokens = await client.authorizationCodeGrant(app, new URL(`${rp.redirectUri}${callback.search}`), { pkceCodeVerifier: verifier, expectedState: state });
    const user = (await idp.services.users.list(fixture.tenant, { email: 'vera@welcome.test', limit: 1 })).items[0]!;
    expect(tokens.claims()).toMatchObject({ sub: user.id, iss: `${idp.publicUrl}/t/welcome`, aud: clientId });
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
    await context.close();
  }, 60_000);
});
