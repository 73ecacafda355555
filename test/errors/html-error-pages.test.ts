import Koa from 'koa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { errorMiddleware } from '../../src/errors/error.middleware.js';
import type { Locale } from '../../src/i18n/locales.js';
import { translate, type MessageKey } from '../../src/i18n/messages.js';
import { createLogger } from '../../src/observability/logger.js';
import { projectRoot } from '../../src/project-root.js';
import { createViewRenderer } from '../../src/views/view-renderer.js';
import { createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { authorizeUrl } from '../support/sign-in-pages.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** What Chromium and Firefox send for a page: HTML first, anything else at a lower weight. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const STACK_TRACE = /\n\s+at [\w.<>]+ \(|node_modules|\.ts:\d+|Error: /;

const browserGet = (url: string, language: Locale) => fetch(url, { headers: { accept: BROWSER_ACCEPT, 'accept-language': language }, redirect: 'manual' });

/** The checks every error page passes: HTML in the language, the status kept, the styles allowed by the CSP, no trace. */
async function expectPage(res: Response, status: number, locale: Locale, ...keys: MessageKey[]): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await res.text();
  expect(html).toContain(`<html lang="${locale}"`);
  for (const key of keys) expect(html).toContain(escapeHtml(translate(locale, key)));
  expect(html).not.toMatch(STACK_TRACE);
  expect(res.headers.get('vary')).toMatch(/\bAccept\b/i);
  const nonce = /style-src 'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
  expect(nonce).toBeTruthy();
  expect(html).toContain(`<style nonce="${nonce}">`);
  return html;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

describe('error pages for browsers, problem+json for programs', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'acme');
  });
  afterAll(() => idp.close());

  describe('an unknown tenant', () => {
    it.each<Locale>(['en', 'da', 'de', 'sv'])('is a 404 page in %s that says the address is wrong, under the neutral brand', async (locale) => {
      const html = await expectPage(await browserGet(`${idp.baseUrl}/t/no-such-org/auth`, locale), 404, locale, 'tenantNotFound.text', 'tenantNotFound.advice');
      expect(html).toContain('<span>Doorway</span>');
      expect(html).toContain(`<title>${escapeHtml(translate(locale, 'title.tenantNotFound'))} – Doorway</title>`);
    });

    it.each([
      ['no Accept header', {}],
      ['*/*', { accept: '*/*' }],
      ['JSON', { accept: 'application/json' }],
      ['JSON before HTML', { accept: 'application/json, text/html;q=0.5' }],
    ])('stays a problem+json 404 for %s', async (_name, headers) => {
      const res = await fetch(`${idp.baseUrl}/t/no-such-org/.well-known/openid-configuration`, { headers });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 404, type: 'urn:doorway:problem:not-found', detail: 'Tenant not found' });
      expect(res.headers.get('vary')).toMatch(/\bAccept\b/i);
    });
  });

  describe('an unknown path', () => {
    it('is a 404 page outside any tenant, in the negotiated language', async () => {
      await expectPage(await browserGet(`${idp.baseUrl}/nothing/here`, 'sv'), 404, 'sv', 'title.notFound', 'notFound.text', 'notFound.advice');
    });

    it("is a 404 page under the tenant's name inside a tenant", async () => {
      const html = await expectPage(await browserGet(`${idp.baseUrl}/t/acme/account/nothing`, 'de'), 404, 'de', 'notFound.text');
      expect(html).toContain(`<span>${fixture.tenant.name}</span>`);
    });

    it('stays problem+json for a program', async () => {
      const res = await fetch(`${idp.baseUrl}/nothing/here`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ type: 'urn:doorway:problem:not-found', instance: '/nothing/here' });
    });
  });

  describe('the admin API', () => {
    it.each([
      ['an unauthenticated call', '/admin/api/v1/tenants', 401],
      ['an unknown route', '/admin/api/v1/no-such-thing', 404],
      ['an unknown version', '/admin/api/v9/tenants', 404],
    ])('answers problem+json to a browser for %s', async (_name, path, status) => {
      const res = await browserGet(idp.baseUrl + path, 'da');
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status });
    });
  });

  describe('an OAuth error the provider cannot send back to the app', () => {
    it('names an unknown client, says what to do and shows the code, in the language asked for', async () => {
      const url = `${idp.baseUrl}/t/acme/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`;
      const html = await expectPage(await browserGet(url, 'da'), 400, 'da', 'oauthError.heading', 'oauthError.advice');
      expect(html).toContain(escapeHtml(translate('da', 'oauthError.invalidClient', { tenant: fixture.tenant.name })));
      expect(html).toContain(escapeHtml(translate('da', 'error.code', { code: 'invalid_client' })));
    });

    it('explains an unregistered redirect_uri', async () => {
      const url = authorizeUrl(idp.baseUrl, fixture, { redirect_uri: 'https://evil.example/callback', ui_locales: 'de' });
      const html = await expectPage(await browserGet(url, 'en'), 400, 'de', 'oauthError.advice');
      expect(html).toContain(escapeHtml(translate('de', 'oauthError.invalidRedirectUri', { tenant: fixture.tenant.name })));
      expect(html).toContain('invalid_redirect_uri');
      // The provider's own description is for developers, in English: it is not shown.
      expect(html).not.toMatch(/redirect_uri did not match/i);
    });

    it("stays a JSON OAuth error at a program's endpoint", async () => {
      const res = await fetch(`${idp.baseUrl}/t/acme/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=nobody' });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    });
  });

  describe('a fault on our side', () => {
    it('is a 500 page whose reference is the request id, and a 500 problem for a program', async () => {
      const broken = await startTestIdp();
      try {
        // The database going away is a fault no request can cause or mend.
        await broken.db.close();
        const res = await browserGet(`${broken.baseUrl}/t/somewhere/auth`, 'sv');
        const html = await expectPage(res, 500, 'sv', 'serverError.text', 'serverError.advice');
        const requestId = res.headers.get('x-request-id')!;
        expect(html).toContain(translate('sv', 'serverError.reference', { id: requestId }));
        expect(html).not.toMatch(/mongo|connection/i);
        const json = await fetch(`${broken.baseUrl}/t/somewhere/jwks`);
        expect(json.status).toBe(500);
        expect(await json.json()).toMatchObject({ type: 'urn:doorway:problem:internal', request_id: json.headers.get('x-request-id') });
      } finally {
        await broken.close().catch(() => undefined);
      }
    });
  });
});

describe('rate limiting, as a browser meets it', () => {
  /** The app's own error middleware and views, in front of a route that fails as asked (no route of ours throws a 429 yet). */
  async function appFailingWith(err: unknown) {
    const views = createViewRenderer({ viewsDir: join(projectRoot(), 'views') });
    const app = new Koa();
    app.silent = true;
    app.use(errorMiddleware(createLogger('silent'), views));
    app.use(async (ctx, next) => {
      ctx.state.requestId = 'req-1234-abcd';
      ctx.state.cspNonce = 'bm9uY2U';
      ctx.set('Content-Security-Policy', "style-src 'nonce-bm9uY2U'");
      await next();
    });
    app.use(() => {
      throw err;
    });
    const server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/t/x/anything`, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('shows a rate-limited page with status 429', async () => {
    const app = await appFailingWith(Object.assign(new Error('Too Many Requests'), { status: 429, expose: true }));
    try {
      await expectPage(await browserGet(app.url, 'sv'), 429, 'sv', 'rateLimited.text', 'rateLimited.advice');
    } finally {
      await app.close();
    }
  });
});
