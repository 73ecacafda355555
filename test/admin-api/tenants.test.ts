import * as client from 'openid-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { translate } from '../../src/i18n/messages.js';
import { type AdminCall, type AdminWorld, serviceToken, setUpAdminWorld } from '../support/admin.js';
import { Browser, formAction } from '../support/browser.js';
import { createTenantFixture, PASSWORD, REDIRECT_URI, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { type TestIdp } from '../support/test-idp.js';

describe('admin API: tenants', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];

  const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  describe('authorization matrix', () => {
    const platformOnly: [string, number][] = [
      ['operator', 200],
      ['adminA', 403],
      ['managerA', 403],
      ['auditorA', 403],
      ['adminB', 403],
      ['anonymous', 401],
    ];
    const tenantAdmins: [string, number][] = [
      ['operator', 200],
      ['adminA', 200],
      ['managerA', 403],
      ['auditorA', 403],
      ['adminB', 404],
      ['anonymous', 401],
    ];

    it.each(platformOnly.map(([who, status]) => [who, status === 200 ? 201 : status] as [string, number]))('create tenant as %s answers %i', async (who, status) => {
      const res = await call('POST', '/tenants', tokens[who], { slug: `made-by-${who.toLowerCase()}`, name: 'Made' });
      expect(res.status).toBe(status);
      if (status >= 400) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it.each(platformOnly)('list tenants as %s answers %i', async (who, status) => {
      expect((await call('GET', '/tenants', tokens[who])).status).toBe(status);
    });

    it.each(tenantAdmins)('read tenant A as %s answers %i', async (who, status) => {
      expect((await call('GET', '/tenants/tenant-a', tokens[who])).status).toBe(status);
    });

    it.each(tenantAdmins)('update tenant A as %s answers %i', async (who, status) => {
      expect((await call('PATCH', '/tenants/tenant-a', tokens[who], { name: `Tenant A, renamed by ${who}` })).status).toBe(status);
    });

    it.each(platformOnly.filter(([who]) => who !== 'operator'))('suspend and resume tenant A as %s answers %i', async (who, status) => {
      expect((await call('POST', '/tenants/tenant-a/suspend', tokens[who])).status).toBe(status);
      expect((await call('POST', '/tenants/tenant-a/resume', tokens[who])).status).toBe(status);
    });
  });

  it('never suspends nor terminates the platform tenant: its operators keep their access', async () => {
    for (const [method, path] of [['POST', '/tenants/platform/suspend'], ['DELETE', '/tenants/platform']] as const) {
      const refused = await call(method, path, tokens.operator);
      expect([refused.status, refused.headers.get('content-type'), refused.body.type]).toEqual([409, expect.stringMatching(/^application\/problem\+json/), 'urn:doorway:problem:conflict']);
    }
    expect((await idp.services.tenants.getBySlug('platform')).state).toBe('active');
    const platform = await call('GET', '/tenants/platform', tokens.operator);
    expect([platform.status, platform.body.state]).toEqual([200, 'active']);
  });

  it('creates a tenant whose issuer answers discovery, then reads, lists and updates it', async () => {
    const created = await call('POST', '/tenants', tokens.operator, { slug: 'harbour-offices', name: 'Harbour Offices', settings: { locales: ['da', 'en'], invitation_ttl_hours: 48 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'harbour-offices',
      name: 'Harbour Offices',
      state: 'active',
      issuer: `${idp.baseUrl}/t/harbour-offices`,
      settings: { locales: ['da', 'en'], change_log_retention_days: 730, inactivity_days: 730, invitation_ttl_hours: 48 },
    });
    expect(created.body.warnings).toBeUndefined();
    const discovery = await fetch(`${created.body.issuer}/.well-known/openid-configuration`);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(created.body.issuer);

    const read = await call('GET', '/tenants/harbour-offices', tokens.operator);
    // Only the answer to its creation says which invitations left (none here).
    const { invitations, ...tenant } = created.body;
    expect(invitations).toEqual([]);
    expect(read.body).toEqual(tenant);
    const listed = await call('GET', '/tenants?limit=200', tokens.operator);
    expect(listed.body.items.map((t: { slug: string }) => t.slug)).toEqual(expect.arrayContaining(['harbour-offices', 'tenant-a', 'tenant-b']));

    const updated = await call('PATCH', '/tenants/harbour-offices', tokens.operator, { name: 'Harbour Offices ApS', settings: { inactivity_days: 365 } });
    expect(updated.body).toMatchObject({ name: 'Harbour Offices ApS', settings: { locales: ['da', 'en'], inactivity_days: 365, invitation_ttl_hours: 48 } });
    expect((await call('GET', '/tenants/harbour-offices', tokens.operator)).body.name).toBe('Harbour Offices ApS');
  });

  it('refuses a taken slug with 409', async () => {
    const res = await call('POST', '/tenants', tokens.operator, { slug: 'tenant-a', name: 'Impostor' });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('urn:doorway:problem:conflict');
  });

  it('pages through tenants with a cursor without duplicates or gaps while tenants are added', async () => {
    const before = (await call('GET', '/tenants?limit=200', tokens.operator)).body.items.map((t: { slug: string }) => t.slug);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { slug: string }[]; next_cursor: string | null } } = await call('GET', `/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`, tokens.operator);
      seen.push(...res.body.items.map((t) => t.slug));
      cursor = res.body.next_cursor;
      await call('POST', '/tenants', tokens.operator, { slug: `added-${seen.length}`, name: 'Added while paging' });
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const slug of before) expect(seen).toContain(slug);
  });

  describe('GDPR warnings', () => {
    it('warns when the change log is kept longer than 730 days, on create and on update', async () => {
      const created = await call('POST', '/tenants', tokens.operator, { slug: 'long-memory', name: 'Long memory', settings: { change_log_retention_days: 1000 } });
      expect(created.status).toBe(201);
      expect(created.body.warnings).toEqual([expect.stringContaining('1000 days')]);
      const updated = await call('PATCH', '/tenants/long-memory', tokens.operator, { settings: { change_log_retention_days: 3650 } });
      expect(updated.body.warnings).toEqual([expect.stringContaining('3650 days')]);
    });

    it('does not warn at 730 days, and below it warns only that entries will be deleted sooner', async () => {
      const at = await call('PATCH', '/tenants/tenant-b', tokens.adminB, { settings: { change_log_retention_days: 730 } });
      const below = await call('PATCH', '/tenants/tenant-b', tokens.adminB, { settings: { change_log_retention_days: 365 } });
      expect(at.status).toBe(200);
      expect(at.body.warnings).toBeUndefined();
      expect(below.body.warnings).toEqual([expect.stringMatching(/older than 365 days will be deleted .* earlier than the 730 days/)]);
    });
  });

  describe('suspension', () => {
    let s: TenantFixture;
    let adminS: string;

    async function introspect(token: string): Promise<boolean> {
      const res = await fetch(`${idp.baseUrl}/t/tenant-s/token/introspection`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')}` },
        body: new URLSearchParams({ token }),
      });
      return ((await res.json()) as { active: boolean }).active;
    }

    /** The test app re-reads tenants every 200 ms; a state change shows within a few of those. */
    async function introspectUntil(token: string, active: boolean): Promise<boolean> {
      let seen = !active;
      for (let attempt = 0; attempt < 100 && seen !== active; attempt++) {
        seen = await introspect(token);
        if (seen !== active) await sleep(100);
      }
      return seen;
    }

    async function submitLogin(): Promise<Response> {
      const browser = new Browser();
      const params = new URLSearchParams({
        client_id: s.clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: REDIRECT_URI,
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        ui_locales: 'en',
      });
      const { url, res } = await browser.follow(`${idp.baseUrl}/t/tenant-s/auth?${params}`);
      const action = new URL(formAction(await res.text(), '/login'), url).href;
      return browser.request(action, { form: { email: s.user.email!, password: PASSWORD } });
    }

    /** A lock back-end's client-credentials request, which involves no user. */
    function serviceTokenRequest(): Promise<Response> {
      return fetch(`${idp.baseUrl}/t/tenant-s/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE, scope: 'locks:open' }),
      });
    }

    beforeAll(async () => {
      s = await createTenantFixture(idp.services, 'tenant-s');
      adminS = await serviceToken(idp, s.tenant, ['tenant_admin']);
    });

    it("stops sign-in and the tenant's tokens while suspended, and restores them on resume", async () => {
      const app = await discoverClient(idp.baseUrl, s);
      const { tokens: issued } = await signIn(app, { email: s.user.email!, scope: 'openid profile' });
      expect(await introspect(issued.access_token)).toBe(true);

      const suspended = await call('POST', '/tenants/tenant-s/suspend', tokens.operator);
      expect(suspended.status).toBe(200);
      expect(suspended.body.state).toBe('suspended');

      expect(await introspectUntil(issued.access_token, false)).toBe(false);
      expect((await call('GET', '/tenants/tenant-s', adminS)).status).toBe(401);
      const refused = await serviceTokenRequest();
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'unauthorized_client' });
      const login = await submitLogin();
      expect(login.status).toBe(400);
      expect(await login.text()).toContain(translate('en', 'login.error.accountUnavailable'));

      const resumed = await call('POST', '/tenants/tenant-s/resume', tokens.operator);
      expect(resumed.body.state).toBe('active');
      expect(await introspectUntil(issued.access_token, true)).toBe(true);
      expect((await call('GET', '/tenants/tenant-s', adminS)).status).toBe(200);
      expect((await submitLogin()).status).toBe(303);
      expect((await serviceTokenRequest()).status).toBe(200);
    });
  });

  describe('bad input names the field', () => {
    it.each([
      [{ name: 'No slug' }, 'body.slug'],
      [{ slug: 'Not A Slug', name: 'x' }, 'body.slug'],
      [{ slug: 'x', name: 'x' }, 'body.slug'],
      [{ slug: 'no-name' }, 'body.name'],
      [{ slug: 'empty-name', name: '  ' }, 'body.name'],
      [{ slug: 'bad-locale', name: 'x', settings: { locales: ['fr'] } }, 'body.settings.locales.0'],
      [{ slug: 'no-locales', name: 'x', settings: { locales: [] } }, 'body.settings.locales'],
      [{ slug: 'short-log', name: 'x', settings: { change_log_retention_days: 10 } }, 'body.settings.change_log_retention_days'],
      [{ slug: 'bad-inactivity', name: 'x', settings: { inactivity_days: 'soon' } }, 'body.settings.inactivity_days'],
      [{ slug: 'bad-invitation', name: 'x', settings: { invitation_ttl_hours: 0 } }, 'body.settings.invitation_ttl_hours'],
      [{ slug: 'odd-setting', name: 'x', settings: { theme: 'dark' } }, 'body.settings'],
      [{ slug: 'odd-field', name: 'x', state: 'suspended' }, 'body'],
    ])('create %j -> 400 naming %s', async (body, field) => {
      const res = await call('POST', '/tenants', tokens.operator, body);
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      expect(fields(res)).toContain(field);
    });

    it.each([
      [{ name: '' }, 'body.name'],
      [{ settings: { change_log_retention_days: 5000 } }, 'body.settings.change_log_retention_days'],
      [{ slug: 'renamed' }, 'body'],
    ])('update %j -> 400 naming %s', async (body, field) => {
      const res = await call('PATCH', '/tenants/tenant-a', tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(fields(res)).toContain(field);
    });

    it('answers a malformed slug in the path with 400 and an unknown one with 404', async () => {
      expect((await call('GET', '/tenants/NOT_A_SLUG', tokens.operator)).status).toBe(400);
      expect((await call('GET', '/tenants/no-such-tenant', tokens.operator)).status).toBe(404);
    });
  });
});
