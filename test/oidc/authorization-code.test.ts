import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { formAction } from '../support/browser.js';
import { asSetup, createTenantFixture, PASSWORD, POST_LOGOUT_URI, REDIRECT_URI, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { openLogin } from '../support/sign-in-pages.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

describe('authorization code flow with PKCE, driven by openid-client over HTTP', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let config: client.Configuration;
  let issuer: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'acme');
    issuer = `${idp.baseUrl}/t/acme`;
    config = await discoverClient(idp.baseUrl, fixture);
  });
  afterAll(() => idp.close());

  it('issues an ID token signed by the tenant key, with roles and door permissions but no profile or email', async () => {
    const { tokens } = await signIn(config, { email: fixture.user.email! });
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer, audience: fixture.clientId });
    expect(payload.sub).toBe(fixture.user.id);
    // Granted with the profile and email scopes, they are the userinfo endpoint's to give.
    expect(payload).not.toHaveProperty('email');
    expect(payload).not.toHaveProperty('name');
    expect(payload.roles).toEqual(['employee', 'team_lead']);
    expect(payload.door_permissions).toEqual([
      { door_id: 'lab', door_name: 'Lab', valid_from: null, valid_until: null },
      { door_id: 'main-entrance', door_name: 'Main entrance', valid_from: null, valid_until: null },
    ]);
    expect(payload.amr).toEqual(['pwd']);
  });

  it('gives email at userinfo, and in the ID token only when the claims parameter asks for it there', async () => {
    const plain = await signIn(config, { email: fixture.user.email!, scope: 'openid email' });
    expect(plain.tokens.claims()).not.toHaveProperty('email');
    expect(await client.fetchUserInfo(config, plain.tokens.access_token, fixture.user.id)).toMatchObject({ email: 'alice@acme.test', email_verified: true });

    const asked = await signIn(config, { email: fixture.user.email!, scope: 'openid email', extra: { claims: JSON.stringify({ id_token: { email: null } }) } });
    expect(asked.tokens.claims()).toMatchObject({ sub: fixture.user.id, email: 'alice@acme.test' });
    expect(asked.tokens.claims()).not.toHaveProperty('email_verified');
  });

  it('puts email in the ID token when the access token is for a resource, which cannot be used at userinfo', async () => {
    const { tokens } = await signIn(config, { email: fixture.user.email!, resource: RESOURCE, scope: 'openid email offline_access locks:open' });
    const forResource = await client.refreshTokenGrant(config, tokens.refresh_token!, { resource: RESOURCE });
    expect(forResource.claims()).toMatchObject({ sub: fixture.user.id, email: 'alice@acme.test' });
  });

  it('leaves roles and door permissions out of tokens whose scopes do not grant them', async () => {
    const { tokens } = await signIn(config, { email: fixture.user.email!, scope: 'openid email' });
    expect(tokens.claims()).not.toHaveProperty('roles');
    expect(tokens.claims()).not.toHaveProperty('door_permissions');
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, fixture.user.id);
    expect(userinfo).not.toHaveProperty('roles');
    expect(userinfo).not.toHaveProperty('door_permissions');
  });

  /** Signs a new person in and consents, stopping before the authorization resumes: the resume's URL. */
  async function consentedUpTo(name: string) {
    const person = await asSetup(() => idp.services.users.create(fixture.tenant, { email: `${name}@acme.test`, password: PASSWORD, name }));
    const login = await openLogin(idp.baseUrl, fixture);
    const consent = await login.browser.follow(login.action, REDIRECT_URI, { method: 'POST', form: { email: person.email!, password: PASSWORD } });
    const confirm = new URL(formAction(await consent.res.text(), '/confirm'), consent.url).href;
    const confirmed = await login.browser.request(confirm, { method: 'POST', form: {} });
    expect(confirmed.status).toBe(303);
    const grants = () => idp.db.connection.collection('oidc_entries').countDocuments({ tenantId: fixture.tenant._id, kind: 'Grant', accountId: person.id });
    return { person, browser: login.browser, resume: new URL(confirmed.headers.get('location')!, confirm).href, grants };
  }

  it('stores the grant a person consented to when the authorization resumes, with its code, and not before', async () => {
    const { browser, resume, grants } = await consentedUpTo('gus');
    expect(await grants()).toBe(0);
    const { url } = await browser.follow(resume, REDIRECT_URI);
    expect(new URL(url).searchParams.get('code')).toEqual(expect.any(String));
    expect(await grants()).toBe(1);
  });

  it('resumes an authorization once: the same resume replayed with the cookies it had gets no second code', async () => {
    const { browser, resume, grants } = await consentedUpTo('ida');
    const replay = browser.copy();
    const first = await browser.follow(resume, REDIRECT_URI);
    expect(new URL(first.url).searchParams.get('code')).toEqual(expect.any(String));
    const again = await replay.follow(resume, REDIRECT_URI);
    expect({ url: again.url, status: again.res.status }).toEqual({ url: resume, status: 400 });
    expect(await grants()).toBe(1);
  });

  it('refuses a person locked after consenting at the resume: no grant stored, no code', async () => {
    const { person, browser, resume, grants } = await consentedUpTo('hal');
    await asSetup(() => idp.services.users.setStatus(fixture.tenant, person.id, { from: ['active'], to: 'locked', action: 'user.locked' }));
    const { url, res } = await browser.follow(resume, REDIRECT_URI);
    expect({ url, status: res.status }).toEqual({ url: resume, status: 400 });
    expect(await grants()).toBe(0);
  });

  it('advertises only the client authentication methods a client can be registered with (private_key_jwt: locks)', () => {
    const metadata = config.serverMetadata();
    expect([...(metadata.token_endpoint_auth_methods_supported ?? [])].sort()).toEqual(['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt']);
    // Assertions are signed with a lock's own key: no symmetric algorithm, since no client signs with its secret.
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toContain('ES256');
    expect(metadata.token_endpoint_auth_signing_alg_values_supported?.filter((alg) => alg.startsWith('HS'))).toEqual([]);
  });

  it('issues a refresh token for offline_access only when the request has prompt=consent', async () => {
    const withoutConsent = await signIn(config, { email: fixture.user.email!, scope: 'openid offline_access', extra: { prompt: 'login' } });
    expect(withoutConsent.tokens.refresh_token).toBeUndefined();
    expect(withoutConsent.tokens.scope?.split(' ')).not.toContain('offline_access');
    const withConsent = await signIn(config, { email: fixture.user.email!, scope: 'openid offline_access' });
    expect(withConsent.tokens.refresh_token).toEqual(expect.any(String));
  });

  it('refuses to introspect a JWT access token: its resource verifies it with the JWKS', async () => {
    const { tokens } = await signIn(config, { email: fixture.user.email!, resource: RESOURCE, scope: 'openid offline_access locks:open' });
    const forResource = await client.refreshTokenGrant(config, tokens.refresh_token!, { resource: RESOURCE });
    await expect(client.tokenIntrospection(config, forResource.access_token)).rejects.toMatchObject({ error: 'unsupported_token_type' });
  });

  it('serves userinfo, refreshes with rotation, introspects and revokes', async () => {
    const { tokens } = await signIn(config, { email: fixture.user.email! });
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, fixture.user.id);
    expect(userinfo).toMatchObject({ sub: fixture.user.id, email: 'alice@acme.test', roles: ['employee', 'team_lead'] });
    expect((userinfo.door_permissions as { door_id: string }[]).map((d) => d.door_id)).toEqual(['lab', 'main-entrance']);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const active = await client.tokenIntrospection(config, refreshed.access_token);
    expect(active).toMatchObject({ active: true, sub: fixture.user.id, client_id: fixture.clientId, tenant: 'acme' });

    await client.tokenRevocation(config, refreshed.access_token);
    const revoked = await client.tokenIntrospection(config, refreshed.access_token);
    expect(revoked.active).toBe(false);
  });

  it("revokes a refresh token, and refuses another app's attempt to revoke a token it was not issued", async () => {
    const other = await asSetup(() =>
      idp.services.clients.create(fixture.tenant._id, {
        client_id: 'acme-other-app',
        client_name: 'Another app',
        redirect_uris: ['http://localhost:8081/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid',
      }),
    );
    const otherApp = await discoverClient(idp.baseUrl, { ...fixture, clientId: other.clientId, clientSecret: other.clientSecret! });
    const { tokens } = await signIn(config, { email: fixture.user.email! });

    await expect(client.tokenRevocation(otherApp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_request' });
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(true);

    await client.tokenRevocation(config, tokens.refresh_token!);
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('treats a replayed refresh token as theft: refused, and the whole grant revoked', async () => {
    const { tokens } = await signIn(config, { email: fixture.user.email! });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
  });

  it('issues JWT access tokens for a registered resource carrying tenant, roles and door permissions', async () => {
    const { tokens } = await signIn(config, { email: fixture.user.email!, resource: RESOURCE, scope: 'openid doors roles offline_access locks:open' });
    const forResource = await client.refreshTokenGrant(config, tokens.refresh_token!, { resource: RESOURCE });
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const { payload } = await jwtVerify(forResource.access_token, jwks, { issuer, audience: RESOURCE });
    expect(decodeProtectedHeader(forResource.access_token).typ).toBe('at+jwt');
    expect(payload).toMatchObject({ tenant: 'acme', sub: fixture.user.id, roles: ['employee', 'team_lead'], scope: 'locks:open' });
    expect((payload.door_permissions as { door_id: string }[]).map((d) => d.door_id)).toEqual(['lab', 'main-entrance']);
  });

  it('accepts an authorization request posted as a form: the login page, then a code', async () => {
    const pages: string[] = [];
    const { tokens } = await signIn(config, { email: fixture.user.email!, post: true, step: ({ url }) => void pages.push(url) });
    expect(tokens.claims()?.sub).toBe(fixture.user.id);
    expect(pages[0]).toMatch(new RegExp(`^${issuer}/interaction/[\\w-]+$`));
  });

  it('accepts an end-session request posted as a form, and returns to the app', async () => {
    const { tokens, browser } = await signIn(config, { email: fixture.user.email! });
    const endSession = `${issuer}/session/end`;
    const { res: page } = await browser.follow(endSession, undefined, { form: { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI }, submitHidden: false });
    expect(page.status).toBe(200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
    const done = await browser.request(`${endSession}/confirm`, { form: { xsrf: xsrf!, logout: 'yes' } });
    expect([done.status, done.headers.get('location')]).toEqual([303, POST_LOGOUT_URI]);
  });

  it('refuses a posted authorization request that is not a form', async () => {
    const res = await fetch(`${issuer}/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: fixture.clientId }) });
    expect([res.status, ((await res.json()) as { type: string }).type]).toEqual([400, 'urn:doorway:problem:validation']);
  });

  it('ends the session with RP-initiated logout and returns to the app', async () => {
    const { tokens, browser } = await signIn(config, { email: fixture.user.email! });
    const logoutUrl = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI });
    const page = await browser.request(logoutUrl.href);
    const html = await page.text();
    expect(page.status).toBe(200);
    const action = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"/.exec(html)?.[1] ?? /action="([^"]+)"[^>]*id="op.logoutForm"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    const done = await browser.request(new URL(action!, logoutUrl).href, { method: 'POST', form: { xsrf: xsrf!, logout: 'yes' } });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(POST_LOGOUT_URI);
    // The session is gone: a new authorization request asks for the password again.
    const again = await browser.follow(client.buildAuthorizationUrl(config, { redirect_uri: 'http://localhost:8080/callback', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).href);
    expect(await again.res.text()).toContain('name="password"');
  });
});
