import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { toMetadata } from '../../src/clients/client-registration.js';
import { startCallbackServer } from '../support/browser-driver.js';
import type { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, POST_LOGOUT_URI, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** RP-initiated logout: what it ends, and the apps it tells server to server (back-channel logout). */
describe('logout', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let issuer: string;
  let receiver: Awaited<ReturnType<typeof startCallbackServer>>;
  let app: client.Configuration;
  let appId: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    receiver = await startCallbackServer('/backchannel-logout');
    fixture = await createTenantFixture(idp.services, 'bcl');
    issuer = `${idp.baseUrl}/t/bcl`;
    // Registered as the admin API stores it, with the app's back-channel logout endpoint.
    const registered = await asSetup(() =>
      idp.services.clients.create(
        fixture.tenant._id,
        toMetadata({
          client_name: 'Door app',
          redirect_uris: [REDIRECT_URI],
          post_logout_redirect_uris: [POST_LOGOUT_URI],
          grant_types: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: 'openid offline_access email',
          service_roles: [],
          backchannel_logout_uri: receiver.redirectUri,
          backchannel_logout_session_required: true,
        }),
      ),
    );
    appId = registered.clientId;
    app = await discoverClient(idp.baseUrl, { tenant: fixture.tenant, clientId: appId, clientSecret: registered.clientSecret! });
  });
  afterAll(async () => {
    await receiver?.close();
    await idp?.close();
  });

  /** The person confirms the logout page's "sign out" (logout=yes) for the app's end-session request. */
  async function logOut(browser: Browser, config: client.Configuration, idToken: string): Promise<Response> {
    const logoutUrl = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: POST_LOGOUT_URI });
    const html = await (await browser.request(logoutUrl.href)).text();
    const action = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"/.exec(html)?.[1] ?? /action="([^"]+)"[^>]*id="op.logoutForm"/.exec(html)?.[1];
    return browser.request(new URL(action!, logoutUrl).href, { method: 'POST', form: { logout: 'yes' } });
  }

  it("posts a logout token, verifiable with the tenant's JWKS, naming the person and the session", async () => {
    const { tokens, browser } = await signIn(app, { email: fixture.user.email!, scope: 'openid' });
    const sid = tokens.claims()!.sid;
    expect(sid).toEqual(expect.any(String));

    const done = await logOut(browser, app, tokens.id_token!);
    expect(done.status).toBe(303);
    expect(receiver.posted).toHaveLength(1);
    const logoutToken = receiver.posted[0]!.get('logout_token')!;
    expect(decodeProtectedHeader(logoutToken).typ).toBe('logout+jwt');
    const { payload } = await jwtVerify(logoutToken, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: appId, typ: 'logout+jwt' });
    expect(payload).toMatchObject({ sub: fixture.user.id, sid, events: { [BACKCHANNEL_EVENT]: {} } });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload).not.toHaveProperty('nonce');
  });

  it('tells no app without a back-channel logout URI, and ends the grant of a sign-in without offline_access', async () => {
    const config = await discoverClient(idp.baseUrl, fixture);
    const before = receiver.posted.length;
    const { tokens, browser } = await signIn(config, { email: fixture.user.email!, scope: 'openid email' });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);

    expect((await logOut(browser, config, tokens.id_token!)).status).toBe(303);
    expect(receiver.posted).toHaveLength(before);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('leaves a refresh token of an offline_access grant working after sign-out, until it is revoked', async () => {
    const { tokens, browser } = await signIn(app, { email: fixture.user.email!, scope: 'openid offline_access' });
    expect((await logOut(browser, app, tokens.id_token!)).status).toBe(303);
    expect(decodeJwt(receiver.posted.at(-1)!.get('logout_token')!).sub).toBe(fixture.user.id);

    const refreshed = await client.refreshTokenGrant(app, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
    await client.tokenRevocation(app, refreshed.refresh_token!);
    await expect(client.refreshTokenGrant(app, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
