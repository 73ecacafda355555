import { createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { authorizeUrl, openLogin } from '../support/sign-in-pages.js';

const directives = (csp: string | null) =>
  new Map((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

/** The authorization request and the login page it leads to, over plain fetch: every Set-Cookie on the way. */
async function rawLoginPage(idp: TestIdp, fixture: TenantFixture, headers: Record<string, string>): Promise<{ page: Response; cookies: string[] }> {
  const auth = await fetch(authorizeUrl(idp.baseUrl, fixture), { headers, redirect: 'manual' });
  const cookie = auth.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const page = await fetch(new URL(auth.headers.get('location')!, idp.baseUrl), { headers: { ...headers, cookie }, redirect: 'manual' });
  return { page, cookies: [...auth.headers.getSetCookie(), ...page.headers.getSetCookie()].filter((c) => !/expires=Thu, 01 Jan 1970/i.test(c)) };
}

describe('security headers of our pages', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'acme');
  });
  afterAll(() => idp.close());

  async function loginPage(): Promise<{ headers: Headers; html: string }> {
    const page = await openLogin(idp.baseUrl, fixture);
    const res = await page.browser.request(page.url);
    return { headers: res.headers, html: await res.text() };
  }

  it("sends a strict CSP whose nonce is the one on the page's style element", async () => {
    const { headers, html } = await loginPage();
    const csp = directives(headers.get('content-security-policy'));
    const styleNonce = /<style nonce="([^"]+)">/.exec(html)?.[1];
    expect(styleNonce).toBeDefined();
    expect(csp.get('style-src')).toEqual([`'nonce-${styleNonce}'`]);
    expect(csp.get('script-src')).toEqual([`'nonce-${styleNonce}'`]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('uses a fresh nonce for every response', async () => {
    const [a, b] = [await loginPage(), await loginPage()];
    expect(directives(a.headers.get('content-security-policy')).get('style-src')).not.toEqual(
      directives(b.headers.get('content-security-policy')).get('style-src'),
    );
  });

  it("lets the sign-in forms lead only to us and to this client's redirect origin", async () => {
    const { headers } = await loginPage();
    expect(directives(headers.get('content-security-policy')).get('form-action')).toEqual(["'self'", new URL(REDIRECT_URI).origin]);
  });

  it("lets other pages' forms lead only to us", async () => {
    const res = await fetch(`${idp.baseUrl}/t/acme/interaction/no-such-interaction`);
    expect(directives(res.headers.get('content-security-policy')).get('form-action')).toEqual(["'self'"]);
  });

  it("lets an API answer's forms lead only to us, even one about a client with redirect URIs", async () => {
    const res = await fetch(`${idp.baseUrl}/t/acme/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${fixture.clientId}:${fixture.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(directives(res.headers.get('content-security-policy')).get('form-action')).toEqual(["'self'"]);
  });

  it('forbids framing and sniffing, and sends no referrer', async () => {
    const { headers } = await loginPage();
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('keeps its cookies from scripts and from other sites', async () => {
    const { cookies } = await rawLoginPage(idp, fixture, {});
    expect(cookies.some((c) => c.startsWith('csrf='))).toBe(true);
    for (const c of cookies) {
      expect(c).toMatch(/httponly/i);
      expect(c).toMatch(/samesite=lax/i);
      // Plain http here: a Secure cookie would never come back.
      expect(c).not.toMatch(/;\s*secure/i);
    }
  });

  describe('behind a TLS-terminating proxy', () => {
    let proxied: TestIdp;
    let proxiedFixture: TenantFixture;

    beforeAll(async () => {
      proxied = await startTestIdp({ env: { TRUST_PROXY: 'true' } });
      proxiedFixture = await createTenantFixture(proxied.services, 'acme');
    });
    afterAll(() => proxied.close());

    it('marks every cookie Secure, pins ours to the host, and asks for HTTPS from then on', async () => {
      const { cookies, page } = await rawLoginPage(proxied, proxiedFixture, { 'x-forwarded-proto': 'https' });
      expect(page.status).toBe(200);
      for (const c of cookies) {
        expect(c).toMatch(/;\s*secure/i);
        expect(c).toMatch(/httponly/i);
      }
      expect(cookies.some((c) => c.startsWith('__Host-csrf='))).toBe(true);
      expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    });
  });
});
