import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { translate } from '../../src/i18n/messages.js';
import { type TenantFixture } from '../support/fixtures.js';
import { openLogin } from '../support/sign-in-pages.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { type TestIdp } from '../support/test-idp.js';

/** A 1×1 PNG, and the first bytes of a JPEG and a WebP file. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60)]);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

describe('admin API: tenant settings', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);
  const patch = (body: unknown, who = 'adminA') => call('PATCH', '/tenants/tenant-a/settings', tokens[who], body);
  const upload = (content_type: string, data: Buffer) => call('PUT', '/tenants/tenant-a/settings/logo', tokens.adminA, { content_type, data: data.toString('base64') });

  /** The test app re-reads tenants every 200 ms: a change shows on the pages within a few of those. */
  async function loginPageUntil(shows: (html: string) => boolean): Promise<string> {
    let html = (await openLogin(idp.baseUrl, a)).html;
    for (let attempt = 0; attempt < 50 && !shows(html); attempt++) {
      await sleep(100);
      html = (await openLogin(idp.baseUrl, a)).html;
    }
    return html;
  }

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  it.each([
    ['operator', 200],
    ['adminA', 200],
    ['managerA', 403],
    ['auditorA', 403],
    ['adminB', 404],
    ['anonymous', 401],
  ])('read as %s answers %i', async (who, status) => {
    expect((await call('GET', '/tenants/tenant-a/settings', tokens[who])).status).toBe(status);
  });

  it('shows every setting, defaults included', async () => {
    const res = await call('GET', '/tenants/tenant-b/settings', tokens.adminB);
    expect(res.body).toEqual({
      display_name: 'Tenant tenant-b',
      locales: ['en', 'da', 'de', 'sv'],
      default_locale: 'en',
      branding: { primary_color: null, logo: null },
      password_min_length: 12,
      max_failed_logins: 5,
      mfa: { required_for_roles: [] },
      access_token_ttl: 600,
      id_token_ttl: 3600,
      refresh_token_ttl: 14 * 86_400,
      refresh_token_reuse_interval: 0,
      session_ttl: 14 * 86_400,
      invitation_ttl_hours: 168,
      invitation_retention_days: 30,
      change_log_retention_days: 730,
      access_event_retention_days: 365,
      door_key_ttl: 600,
      inactivity_days: 730,
      scim_deprovisioning: 'deactivate',
    });
  });

  it('changes every setting, and the tenant view shows the same', async () => {
    const body = {
      display_name: 'Harbour Offices',
      locales: ['da', 'en'],
      default_locale: 'da',
      branding: { primary_color: '#0B5394' },
      password_min_length: 14,
      max_failed_logins: 7,
      mfa: { required_for_roles: ['tenant_admin'] },
      access_token_ttl: 900,
      id_token_ttl: 1800,
      refresh_token_ttl: 7 * 86_400,
      refresh_token_reuse_interval: 10,
      session_ttl: 86_400,
      invitation_ttl_hours: 72,
      invitation_retention_days: 60,
      change_log_retention_days: 800,
      access_event_retention_days: 400,
      door_key_ttl: 3600,
      inactivity_days: 900,
      scim_deprovisioning: 'erase',
    };
    const res = await patch(body, 'operator');
    expect(res.status).toBe(200);
    const expected = { ...body, branding: { primary_color: '#0b5394', logo: null } };
    const { warnings, ...settings } = res.body;
    expect(settings).toEqual(expected);
    // Each retention longer than its default (the change log, the access events, the inactivity period), and erasure on SCIM deprovisioning.
    expect(warnings).toHaveLength(4);
    expect((await call('GET', '/tenants/tenant-a/settings', tokens.adminA)).body).toEqual(expected);
    const { display_name, ...rest } = expected;
    expect((await call('GET', '/tenants/tenant-a', tokens.adminA)).body).toMatchObject({ name: display_name, settings: rest });
  });

  describe('bad input names the field', () => {
    it.each([
      [{}, 'body'],
      [{ display_name: ' ' }, 'body.display_name'],
      [{ locales: [] }, 'body.locales'],
      [{ locales: ['en', 'en'] }, 'body.locales'],
      [{ locales: ['fr'] }, 'body.locales.0'],
      [{ default_locale: 'fr' }, 'body.default_locale'],
      [{ branding: { primary_color: 'blue' } }, 'body.branding.primary_color'],
      [{ branding: { primary_color: '#12345' } }, 'body.branding.primary_color'],
      [{ branding: { logo: 'x' } }, 'body.branding'],
      [{ password_min_length: 7 }, 'body.password_min_length'],
      [{ password_min_length: 129 }, 'body.password_min_length'],
      [{ max_failed_logins: 2 }, 'body.max_failed_logins'],
      [{ max_failed_logins: 21 }, 'body.max_failed_logins'],
      [{ mfa: { required_for_roles: ['Admins'] } }, 'body.mfa.required_for_roles.0'],
      [{ access_token_ttl: 59 }, 'body.access_token_ttl'],
      [{ id_token_ttl: 86_401 }, 'body.id_token_ttl'],
      [{ refresh_token_ttl: 60 }, 'body.refresh_token_ttl'],
      [{ session_ttl: 91 * 86_400 }, 'body.session_ttl'],
      [{ refresh_token_reuse_interval: -1 }, 'body.refresh_token_reuse_interval'],
      [{ refresh_token_reuse_interval: 61 }, 'body.refresh_token_reuse_interval'],
      [{ refresh_token_reuse_interval: 2.5 }, 'body.refresh_token_reuse_interval'],
      [{ invitation_ttl_hours: 0 }, 'body.invitation_ttl_hours'],
      [{ invitation_retention_days: 0 }, 'body.invitation_retention_days'],
      [{ change_log_retention_days: 29 }, 'body.change_log_retention_days'],
      [{ inactivity_days: 4000 }, 'body.inactivity_days'],
      [{ door_key_ttl: 59 }, 'body.door_key_ttl'],
      [{ door_key_ttl: 86_401 }, 'body.door_key_ttl'],
      [{ door_key_ttl: 600.5 }, 'body.door_key_ttl'],
      [{ door_key_ttl: '600' }, 'body.door_key_ttl'],
      [{ scim_deprovisioning: 'delete' }, 'body.scim_deprovisioning'],
      [{ theme: 'dark' }, 'body'],
    ])('%j -> 400 naming %s', async (body, field) => {
      const res = await patch(body);
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      expect(fields(res)).toContain(field);
    });

    it('refuses a colour under which white button text would be hard to read, saying why', async () => {
      const res = await patch({ branding: { primary_color: '#ffcc00' } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'body.branding.primary_color', message: expect.stringMatching(/contrast of 1\.\d+:1; at least 4\.5:1/) }]);
    });

    it('keeps the default locale among the enabled ones', async () => {
      await patch({ locales: ['da', 'en'], default_locale: 'da' });
      const notEnabled = await patch({ default_locale: 'sv' });
      expect(notEnabled.status).toBe(400);
      expect(notEnabled.body.errors).toEqual([{ field: 'body.default_locale', message: 'must be one of the enabled locales: da, en' }]);
      const dropsDefault = await patch({ locales: ['en'] });
      expect(dropsDefault.status).toBe(400);
      expect(fields(dropsDefault)).toEqual(['body.locales']);
      expect((await patch({ locales: ['en', 'sv'], default_locale: 'sv' })).status).toBe(200);
    });
  });

  describe('GDPR warnings for data deleted sooner', () => {
    it('warns for each retention shortened, saying what goes earlier, and not when a period grows back or stays', async () => {
      await call('PATCH', '/tenants/tenant-b/settings', tokens.adminB, { change_log_retention_days: 700, inactivity_days: 700, invitation_retention_days: 30 });
      const shorter = await call('PATCH', '/tenants/tenant-b/settings', tokens.adminB, { change_log_retention_days: 365, inactivity_days: 400, invitation_retention_days: 7 });
      expect(shorter.status).toBe(200);
      expect(shorter.body.warnings).toEqual([
        expect.stringMatching(/^Change-log entries older than 365 days will be deleted .* earlier than the 700 days/),
        expect.stringMatching(/^Users inactive for 400 days will be anonymized .* earlier than after the 700 days/),
        expect.stringMatching(/invitations .* purged after 7 days, earlier than the 30 days/),
      ]);
      const same = await call('PATCH', '/tenants/tenant-b/settings', tokens.adminB, { change_log_retention_days: 365, inactivity_days: 500 });
      expect(same.body.warnings).toBeUndefined();
    });

    it('warns through the tenant route too', async () => {
      const res = await call('PATCH', '/tenants/tenant-b', tokens.adminB, { settings: { inactivity_days: 100 } });
      expect(res.body.warnings).toEqual([expect.stringContaining('Users inactive for 100 days will be anonymized')]);
    });
  });

  it('gives the tenant provider the chosen token lifetimes', async () => {
    expect((await patch({ access_token_ttl: 420, id_token_ttl: 900 })).status).toBe(200);
    const app = await discoverClient(idp.baseUrl, a);
    let opaque = await client.clientCredentialsGrant(app, {});
    for (let attempt = 0; attempt < 50 && opaque.expires_in !== 420; attempt++) {
      await sleep(100);
      opaque = await client.clientCredentialsGrant(app, {});
    }
    expect(opaque.expires_in).toBe(420);
    const { tokens: issued } = await signIn(app, { email: a.user.email!, scope: 'openid' });
    expect(issued.expires_in).toBe(420);
    const idToken = decodeJwt(issued.id_token!);
    expect(idToken.exp! - idToken.iat!).toBe(900);
  });

  it('applies the password minimum and the default locale where they are used', async () => {
    expect((await patch({ locales: ['da', 'en'], default_locale: 'da', password_min_length: 30 })).status).toBe(200);
    const password = 'Quiet-Lantern-Harbour-Bay-41';
    const refused = await call('POST', `/tenants/tenant-a/users/${a.user.id}/temporary-password`, tokens.adminA, { password });
    expect(refused.status).toBe(400);
    // No Accept-Language: the answer speaks the tenant's default locale.
    expect(refused.body.errors).toEqual([{ field: 'body.password', code: 'too_short', message: translate('da', 'password.problem.too_short', { min: 30, max: 256 }) }]);
    expect(await loginPageUntil((html) => html.startsWith('<!doctype html>\n<html lang="da">'))).toMatch(/^<!doctype html>\n<html lang="da">/);

    expect((await patch({ password_min_length: 20 })).status).toBe(200);
    // The admin API reads the tenant afresh on every request.
    const accepted = await call('POST', `/tenants/tenant-a/users/${a.user.id}/temporary-password`, tokens.adminA, { password });
    expect(accepted.status).toBe(200);
  });

  describe('logo and colour', () => {
    it('refuses an SVG, a type the bytes contradict, bytes of no image and an oversized image, naming the field', async () => {
      const svg = await upload('image/svg+xml', SVG);
      expect(svg.status).toBe(400);
      expect(svg.body.errors).toEqual([{ field: 'body.content_type', message: expect.stringContaining('SVG is refused') }]);

      const lie = await upload('image/png', JPEG);
      expect(lie.status).toBe(400);
      expect(lie.body.errors).toEqual([{ field: 'body.data', message: 'not a PNG image: the bytes are JPEG' }]);
      const svgAsPng = await upload('image/png', SVG);
      expect(svgAsPng.body.errors).toEqual([{ field: 'body.data', message: 'not a PNG image' }]);

      const big = await upload('image/png', Buffer.concat([PNG, Buffer.alloc(256 * 1024)]));
      expect(big.status).toBe(400);
      expect(new Set(fields(big))).toEqual(new Set(['body.data']));
      expect(big.body.errors.map((e: { message: string }) => e.message).join(' ')).toContain('at most 262144 bytes');
      const notBase64 = await call('PUT', '/tenants/tenant-a/settings/logo', tokens.adminA, { content_type: 'image/png', data: 'not base64!' });
      expect(fields(notBase64)).toContain('body.data');
      expect((await call('GET', '/tenants/tenant-a/settings', tokens.adminA)).body.branding.logo).toBeNull();
    });

    it('serves an uploaded logo from our origin with its type, nosniff and a validator, shows it and the colour on the sign-in page, and removes it', async () => {
      expect((await patch({ branding: { primary_color: '#7b2d8e' } })).status).toBe(200);
      const res = await upload('image/png', PNG);
      expect(res.status).toBe(200);
      const logo = res.body.branding.logo;
      expect(logo).toEqual({ url: expect.stringMatching(new RegExp(`^${idp.baseUrl}/t/tenant-a/branding/logo\\?v=[\\w-]{43}$`)), content_type: 'image/png', size: PNG.length, updated_at: expect.any(String) });

      const served = await fetch(logo.url);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      const etag = served.headers.get('etag');
      expect(etag).toMatch(/^"[\w-]{43}"$/);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
      expect((await fetch(`${idp.baseUrl}/t/tenant-a/branding/logo`, { headers: { 'if-none-match': etag! } })).status).toBe(304);

      const path = new URL(logo.url).pathname + new URL(logo.url).search;
      const html = await loginPageUntil((page) => page.includes(path));
      expect(html).toContain(`<img class="brand-logo" src="${path.replace(/&/g, '&amp;')}" alt="">`);
      expect(html).not.toContain('class="brand-mark"');
      const css = /<style nonce="[^"]+">([\s\S]*?)<\/style>/.exec(html)![1]!;
      expect(css).toMatch(/:root \{ --accent: #7b2d8e; --accent-hover: #[0-9a-f]{6}; --accent-text: #ffffff;/);

      expect((await call('DELETE', '/tenants/tenant-a/settings/logo', tokens.adminA)).status).toBe(204);
      expect((await fetch(logo.url)).status).toBe(404);
      expect((await call('GET', '/tenants/tenant-a/settings', tokens.adminA)).body.branding.logo).toBeNull();
      const after = await loginPageUntil((page) => !page.includes(path));
      expect(after).toContain('class="brand-mark"');
    });

    it('keeps our colour when the tenant resets its own', async () => {
      expect((await patch({ branding: { primary_color: null } })).body.branding.primary_color).toBeNull();
      const html = await loginPageUntil((page) => !page.includes('#7b2d8e'));
      expect(html).not.toContain('#7b2d8e');
      expect(html).toContain('--accent: #1d4ed8;');
    });
  });
});
