import { Browser, formAction } from '../support/browser.js';
import { createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { authorizeUrl } from '../support/sign-in-pages.js';

const STACK_TRACE = /\n\s+at [\w.<>]+ \(|node_modules|\.ts:\d+/;

/** Whatever arrives, the answer is a clear error in the format the caller speaks, never a 500 or a trace. */
describe('bad input', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'acme');
  });
  afterAll(() => idp.close());

  async function loginPage(browser: Browser, uiLocales = 'en'): Promise<{ action: string; url: string }> {
    const { url, res } = await browser.follow(authorizeUrl(idp.baseUrl, fixture, { ui_locales: uiLocales }));
    return { action: new URL(formAction(await res.text(), '/login'), url).href, url };
  }

  it.each([
    '/t/no-such-tenant/.well-known/openid-configuration',
    '/t/no-such-tenant/jwks',
    '/t/NOT_A_SLUG/auth',
    '/t/%ZZ/token',
    '/t/' + 'a'.repeat(300) + '/jwks',
  ])('answers an unknown tenant (%s) with a 404 problem', async (path) => {
    const res = await fetch(idp.baseUrl + path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, type: 'urn:doorway:problem:not-found' });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await fetch(`${idp.baseUrl}/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('gives the same generic message for a wrong password and an unknown email', async () => {
    const browser = new Browser();
    const wrongPassword = await browser.request((await loginPage(browser)).action, { form: { email: fixture.user.email!, password: 'wrong-password-123' } });
    const unknownEmail = await browser.request((await loginPage(browser)).action, { form: { email: 'nobody@acme.test', password: 'wrong-password-123' } });
    const [a, b] = [await wrongPassword.text(), await unknownEmail.text()];
    expect(wrongPassword.status).toBe(400);
    expect(unknownEmail.status).toBe(400);
    expect(a).toContain('The email or password is incorrect.');
    expect(b).toContain('The email or password is incorrect.');
    const message = (html: string) => /role="alert"[^>]*>([\s\S]*?)</.exec(html)?.[1]?.trim();
    expect(message(a)).toBe(message(b));
  });

  it('speaks the language the app asked for in its error message', async () => {
    const browser = new Browser();
    const res = await browser.request((await loginPage(browser, 'de')).action, { form: { email: fixture.user.email!, password: 'nope-nope-nope' } });
    const html = await res.text();
    expect(html).toContain('<html lang="de"');
    expect(html).not.toContain('The email or password is incorrect.');
  });

  it('re-renders the form for a login post with missing or oversized fields', async () => {
    const browser = new Browser();
    const empty = await browser.request((await loginPage(browser)).action, { form: {} });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('name="password"');
    const huge = await browser.request((await loginPage(browser)).action, { form: { email: 'x'.repeat(20000), password: 'y' } });
    expect(huge.status).toBe(413);
    expect(await huge.text()).not.toMatch(STACK_TRACE);
  });

  it('shows a localized error page for an unknown or expired interaction', async () => {
    const res = await fetch(`${idp.baseUrl}/t/acme/interaction/not-a-real-uid`, { headers: { 'accept-language': 'sv' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<html lang="sv"');
    expect(html).not.toMatch(STACK_TRACE);
  });

  it('shows an error page, not a redirect, for an authorization request from an unknown client', async () => {
    const res = await fetch(`${idp.baseUrl}/t/acme/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('invalid_client');
    expect(html).not.toMatch(STACK_TRACE);
  });

  it.each([
    ['no body', undefined, undefined],
    ['garbage form', 'a=%%%&&&b', 'application/x-www-form-urlencoded'],
    ['broken JSON', '{"grant_type":', 'application/json'],
    ['unknown grant', 'grant_type=password&username=a&password=b', 'application/x-www-form-urlencoded'],
  ])('answers a malformed token request (%s) with an OAuth error', async (_name, body, type) => {
    const res = await fetch(`${idp.baseUrl}/t/acme/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${fixture.clientId}:${fixture.clientSecret}`).toString('base64')}`,
        ...(type ? { 'content-type': type } : {}),
      },
      body,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const json = (await res.json()) as { error: string };
    expect(json.error).toMatch(/^(invalid_request|unsupported_grant_type|invalid_grant|unauthorized_client)$/);
  });

  it('refuses an authorization request of a public client without PKCE', async () => {
    const { clientId } = await idp.services.clients.create(fixture.tenant._id, {
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    });
    const res = await fetch(`${idp.baseUrl}/t/acme/auth?client_id=${clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get("error_description")).toMatch(/PKCE/);
  });
});
