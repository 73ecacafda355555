import { adminAudience } from '../../src/admin-api/admin-api.js';
import { oidcEntryId } from '../../src/oidc/oidc-entry.model.js';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { REDIRECT_URI, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { type TestIdp } from '../support/test-idp.js';

describe('admin API: OIDC clients', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];

  const serviceAccount = (extra: Record<string, unknown> = {}) => ({ client_name: 'Door sync', grant_types: ['client_credentials'], ...extra });
  const webApp = (extra: Record<string, unknown> = {}) => ({
    client_name: 'Visitor app',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    scope: 'openid offline_access profile',
    ...extra,
  });

  /** A client credentials request straight to the tenant's token endpoint, as a back-end would send it. */
  async function clientCredentials(clientId: string, secret: string, params: Record<string, string> = { resource: RESOURCE }) {
    const res = await fetch(`${idp.baseUrl}/t/tenant-a/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...params }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Introspection by the client the token was issued to: no other client is told about it. */
  async function introspect(token: string, clientId: string, secret: string): Promise<boolean> {
    const res = await fetch(`${idp.baseUrl}/t/tenant-a/token/introspection`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ token }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { active: boolean }).active;
  }

  /** How many of these opaque tokens the provider's storage still holds (an opaque token's value is its key). */
  function stored(...tokens: string[]): Promise<number> {
    const ids = tokens.flatMap((t) => ['AccessToken', 'ClientCredentials', 'RefreshToken'].map((kind) => oidcEntryId(a.tenant._id, kind, t)));
    return idp.db.models.oidcEntries.countDocuments({ tenantId: a.tenant._id, _id: { $in: ids } });
  }

  async function create(body: Record<string, unknown>) {
    const res = await call('POST', '/tenants/tenant-a/clients', tokens.adminA, body);
    expect(res.status).toBe(201);
    return res.body as { client_id: string; client_secret?: string; warnings?: string[] } & Record<string, unknown>;
  }

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  describe('authorization matrix', () => {
    const matrix: [string, number][] = [
      ['operator', 403],
      ['adminA', 201],
      ['managerA', 403],
      ['auditorA', 403],
      ['adminB', 404],
      ['anonymous', 401],
    ];
    it.each(matrix)('create client as %s answers %i', async (who, status) => {
      const res = await call('POST', '/tenants/tenant-a/clients', tokens[who], serviceAccount());
      expect(res.status).toBe(status);
      if (status >= 400) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it.each(matrix.map(([who, status]) => [who, status === 201 ? 200 : status] as [string, number]))('list clients as %s answers %i', async (who, status) => {
      expect((await call('GET', '/tenants/tenant-a/clients', tokens[who])).status).toBe(status);
    });

    it("answers 404 for tenant A's client asked through tenant B", async () => {
      expect((await call('GET', `/tenants/tenant-b/clients/${a.clientId}`, tokens.adminB)).status).toBe(404);
      expect((await call('DELETE', `/tenants/tenant-b/clients/${a.clientId}`, tokens.adminB)).status).toBe(404);
      expect((await call('GET', `/tenants/tenant-a/clients/${a.clientId}`, tokens.adminA)).status).toBe(200);
    });
  });

  it('shows the secret once, in the create answer, and stores it only sealed', async () => {
    const created = await create(webApp());
    expect(created).toMatchObject({
      client_name: 'Visitor app',
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid offline_access profile',
      service_roles: [],
    });
    const secret = created.client_secret!;
    expect(secret.length).toBeGreaterThanOrEqual(32);

    const read = await call('GET', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA);
    const listed = await call('GET', '/tenants/tenant-a/clients?limit=200', tokens.adminA);
    expect(read.body.client_id).toBe(created.client_id);
    expect(listed.body.items.map((c: { client_id: string }) => c.client_id)).toContain(created.client_id);
    for (const answer of [read.body, ...listed.body.items]) {
      expect(answer).not.toHaveProperty('client_secret');
      expect(JSON.stringify(answer)).not.toContain(secret);
    }
    const stored = await idp.db.models.clients.findOne({ tenantId: a.tenant._id, clientId: created.client_id }).lean();
    expect(stored!.sealedSecret).toBeDefined();
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('serves a service account by client credentials; a rotated secret replaces the old one at once', async () => {
    const created = await create(serviceAccount());
    expect((await clientCredentials(created.client_id, created.client_secret!)).status).toBe(200);

    const rotated = await call('POST', `/tenants/tenant-a/clients/${created.client_id}/rotate-secret`, tokens.adminA);
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_id).toBe(created.client_id);
    expect(rotated.body.client_secret).not.toBe(created.client_secret);

    const old = await clientCredentials(created.client_id, created.client_secret!);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    expect((await clientCredentials(created.client_id, rotated.body.client_secret)).status).toBe(200);
  });

  it('applies a changed client at its next request', async () => {
    const created = await create(serviceAccount({ redirect_uris: [REDIRECT_URI] }));
    expect((await clientCredentials(created.client_id, created.client_secret!)).status).toBe(200);
    const updated = await call('PATCH', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA, { grant_types: ['authorization_code'] });
    expect(updated.status).toBe(200);
    expect(updated.body.grant_types).toEqual(['authorization_code']);
    const refused = await clientCredentials(created.client_id, created.client_secret!);
    expect(refused.status).toBe(400);
    expect(refused.body.error_description).toMatch(/grant type is not allowed/);
  });

  it('deletes a client and ends its grants and tokens at once', async () => {
    const created = await create(serviceAccount({ service_roles: ['user_manager'] }));
    // An opaque token (no resource) lives in the database, so introspection shows whether it still counts.
    const opaque = await clientCredentials(created.client_id, created.client_secret!, {});
    const opaqueToken = opaque.body.access_token as string;
    expect(await introspect(opaqueToken, created.client_id, created.client_secret!)).toBe(true);
    expect(await stored(opaqueToken)).toBe(1);
    const adminToken = await clientCredentials(created.client_id, created.client_secret!, { resource: adminAudience(idp.baseUrl), scope: 'admin' });
    expect((await call('GET', '/tenants/tenant-a/users', adminToken.body.access_token as string)).status).toBe(200);

    expect((await call('DELETE', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA)).status).toBe(204);

    expect((await call('GET', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA)).status).toBe(404);
    const refused = await clientCredentials(created.client_id, created.client_secret!);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    // The client cannot ask about its tokens any more; its token is gone from storage, so nothing honours it.
    expect(await stored(opaqueToken)).toBe(0);
    expect((await call('GET', '/tenants/tenant-a/users', adminToken.body.access_token as string)).status).toBe(401);
  });

  it("deletes a signed-in app's grant with its refresh and access tokens", async () => {
    const created = await create(webApp());
    const app = await discoverClient(idp.baseUrl, { ...a, clientId: created.client_id, clientSecret: created.client_secret! });
    const { tokens: issued } = await signIn(app, { email: a.user.email!, scope: 'openid offline_access' });
    expect(issued.refresh_token).toBeDefined();
    expect(await introspect(issued.refresh_token!, created.client_id, created.client_secret!)).toBe(true);
    expect(await stored(issued.access_token, issued.refresh_token!)).toBe(2);
    const entries = idp.db.models.oidcEntries;
    const grantIds = await entries.distinct('grantId', { tenantId: a.tenant._id, clientId: created.client_id });
    expect(grantIds.length).toBeGreaterThan(0);

    expect((await call('DELETE', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA)).status).toBe(204);

    expect(await entries.countDocuments({ tenantId: a.tenant._id, clientId: created.client_id })).toBe(0);
    expect(await entries.countDocuments({ tenantId: a.tenant._id, grantId: { $in: grantIds } })).toBe(0);
    expect(await stored(issued.access_token, issued.refresh_token!)).toBe(0);
    const userinfo = await fetch(`${idp.baseUrl}/t/tenant-a/me`, { headers: { authorization: `Bearer ${issued.access_token}` } });
    expect(userinfo.status).toBe(401);
    // The fixture app's own grants are untouched.
    expect((await clientCredentials(a.clientId, a.clientSecret)).status).toBe(200);
  });

  it('registers a back-channel logout URI, shows it, and removes it with null', async () => {
    const created = await create(webApp({ backchannel_logout_uri: 'https://app.example.com/logout', backchannel_logout_session_required: true }));
    expect(created).toMatchObject({ backchannel_logout_uri: 'https://app.example.com/logout', backchannel_logout_session_required: true });
    const stored = await idp.services.clients.providerMetadata(a.tenant._id, created.client_id);
    expect(stored).toMatchObject({ backchannel_logout_uri: 'https://app.example.com/logout', backchannel_logout_session_required: true });

    const removed = await call('PATCH', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA, { backchannel_logout_uri: null });
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('backchannel_logout_uri');
    expect(removed.body.backchannel_logout_session_required).toBe(false);
    expect(await idp.services.clients.providerMetadata(a.tenant._id, created.client_id)).not.toHaveProperty('backchannel_logout_uri');
  });

  it("registers the app's home page and initiate_login_uri, which the provider accepts, and removes them with null", async () => {
    const created = await create(webApp({ client_uri: 'https://visitors.example.com/', initiate_login_uri: 'https://visitors.example.com/login' }));
    expect(created).toMatchObject({ client_uri: 'https://visitors.example.com/', initiate_login_uri: 'https://visitors.example.com/login' });
    // oidc-provider validates the stored registration when the client is used: an authorization request gets
    // to the sign-in page, not an invalid_client error.
    const params = new URLSearchParams({ client_id: created.client_id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    const auth = await fetch(`${idp.baseUrl}/t/tenant-a/auth?${params}`, { redirect: 'manual' });
    expect(auth.status).toBe(303);
    expect(auth.headers.get('location')).toMatch(/^\/t\/tenant-a\/interaction\/[^/]+$/);

    const removed = await call('PATCH', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA, { client_uri: null, initiate_login_uri: null });
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('client_uri');
    expect(removed.body).not.toHaveProperty('initiate_login_uri');
  });

  it.each([
    ['http://visitors.example.com/login', 'must use https'],
    ['http://localhost:8080/login', 'must use https'],
    ['https://visitors.example.com/login#start', 'must not contain a fragment'],
    ['visitors.example.com/login', 'must be an absolute URL'],
  ])('refuses %s as initiate_login_uri: %s', async (uri, message) => {
    const res = await call('POST', '/tenants/tenant-a/clients', tokens.adminA, webApp({ initiate_login_uri: uri }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.initiate_login_uri', message }]);
  });

  it("registers the app's public keys for signed request objects, and removes them with null", async () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'app-key' }] };
    const created = await create(webApp({ jwks, request_object_signing_alg: 'ES256' }));
    expect(created).toMatchObject({ jwks, request_object_signing_alg: 'ES256' });
    expect(await idp.services.clients.providerMetadata(a.tenant._id, created.client_id)).toMatchObject({ jwks, request_object_signing_alg: 'ES256' });

    const removed = await call('PATCH', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA, { jwks: null, request_object_signing_alg: null });
    expect(removed.status).toBe(200);
    expect(removed.body).not.toHaveProperty('jwks');
    expect(removed.body).not.toHaveProperty('request_object_signing_alg');
  });

  describe('public clients', () => {
    it('have no secret, nothing to rotate, and no client credentials', async () => {
      const created = await create(webApp({ token_endpoint_auth_method: 'none' }));
      expect(created.client_secret).toBeUndefined();
      expect((await call('POST', `/tenants/tenant-a/clients/${created.client_id}/rotate-secret`, tokens.adminA)).status).toBe(409);
      const cc = await call('POST', '/tenants/tenant-a/clients', tokens.adminA, webApp({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'client_credentials'] }));
      expect(cc.status).toBe(400);
      expect(cc.body.errors.map((e: { field: string }) => e.field)).toContain('body.grant_types');
    });

    it('must use PKCE', async () => {
      const created = await create(webApp({ token_endpoint_auth_method: 'none' }));
      const params = new URLSearchParams({ client_id: created.client_id, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI });
      const res = await fetch(`${idp.baseUrl}/t/tenant-a/auth?${params}`, { redirect: 'manual' });
      const location = new URL(res.headers.get('location')!);
      expect(location.href.startsWith(REDIRECT_URI)).toBe(true);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    });

    it('cannot be turned confidential, nor a confidential client public', async () => {
      const publicApp = await create(webApp({ token_endpoint_auth_method: 'none' }));
      const confidential = await create(webApp());
      const toConfidential = await call('PATCH', `/tenants/tenant-a/clients/${publicApp.client_id}`, tokens.adminA, { token_endpoint_auth_method: 'client_secret_post' });
      const toPublic = await call('PATCH', `/tenants/tenant-a/clients/${confidential.client_id}`, tokens.adminA, { token_endpoint_auth_method: 'none' });
      expect(toConfidential.status).toBe(409);
      expect(toPublic.status).toBe(409);
    });
  });

  describe('PKCE, required of every client unless a confidential one opts out', () => {
    const withoutPkce = async (clientId: string) => {
      const params = new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI });
      const res = await fetch(`${idp.baseUrl}/t/tenant-a/auth?${params}`, { redirect: 'manual' });
      return new URL(res.headers.get('location')!);
    };

    it('refuses a code flow without code_challenge of a confidential client registered as usual', async () => {
      const app = await create(webApp());
      expect(app.require_pkce).toBe(true);
      for (const clientId of [app.client_id, a.clientId]) {
        const location = await withoutPkce(clientId);
        expect([location.origin + location.pathname, location.searchParams.get('error')]).toEqual([REDIRECT_URI, 'invalid_request']);
        expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
      }
    });

    it('runs a code flow without PKCE for a confidential client registered with require_pkce false', async () => {
      const legacy = await create(webApp({ require_pkce: false }));
      expect(legacy.require_pkce).toBe(false);
      const config = await discoverClient(idp.baseUrl, { ...a, clientId: legacy.client_id, clientSecret: legacy.client_secret! });
      const { tokens: issued } = await signIn(config, { email: a.user.email!, pkce: false, scope: 'openid' });
      expect(issued.claims()?.sub).toBe(a.user.id);
      // Opting out is taken back like any other change: the next request needs PKCE again.
      expect((await call('PATCH', `/tenants/tenant-a/clients/${legacy.client_id}`, tokens.adminA, { require_pkce: true })).body.require_pkce).toBe(true);
      expect((await withoutPkce(legacy.client_id)).searchParams.get('error')).toBe('invalid_request');
    });

    it('never lets a public client opt out: 400 naming require_pkce, on create and on change', async () => {
      const created = await call('POST', '/tenants/tenant-a/clients', tokens.adminA, webApp({ token_endpoint_auth_method: 'none', require_pkce: false }));
      expect([created.status, created.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, ['body.require_pkce']]);
      const spa = await create(webApp({ token_endpoint_auth_method: 'none' }));
      const changed = await call('PATCH', `/tenants/tenant-a/clients/${spa.client_id}`, tokens.adminA, { require_pkce: false });
      expect([changed.status, changed.body.errors.map((e: { field: string }) => e.field)]).toEqual([400, ['body.require_pkce']]);
    });
  });

  describe('GDPR warnings for service roles', () => {
    it.each([
      ['auditor', /change log/],
      ['tenant_admin', /full access to the personal data/],
    ])('warns when %s is granted', async (role, text) => {
      const created = await create(serviceAccount({ service_roles: [role] }));
      expect(created.warnings).toEqual([expect.stringMatching(text)]);
      const other = await create(serviceAccount());
      const granted = await call('PATCH', `/tenants/tenant-a/clients/${other.client_id}`, tokens.adminA, { service_roles: [role] });
      expect(granted.body.warnings).toEqual([expect.stringMatching(text)]);
    });

    it('does not warn for user_manager', async () => {
      expect((await create(serviceAccount({ service_roles: ['user_manager'] }))).warnings).toBeUndefined();
    });
  });

  it('pages through clients with a cursor without duplicates or gaps while clients are added', async () => {
    for (let i = 0; i < 4; i++) await create(serviceAccount({ client_name: `Paged ${i}` }));
    const before = (await call('GET', '/tenants/tenant-a/clients?limit=200', tokens.adminA)).body.items.map((c: { client_id: string }) => c.client_id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { client_id: string }[]; next_cursor: string | null } } = await call('GET', `/tenants/tenant-a/clients?limit=3${cursor ? `&cursor=${cursor}` : ''}`, tokens.adminA);
      seen.push(...res.body.items.map((c) => c.client_id));
      cursor = res.body.next_cursor;
      await create(serviceAccount({ client_name: `Late ${seen.length}` }));
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });

  it('keeps clients out of the personal-data change log', async () => {
    const created = await create(serviceAccount());
    await call('PATCH', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA, { client_name: 'Renamed' });
    await call('POST', `/tenants/tenant-a/clients/${created.client_id}/rotate-secret`, tokens.adminA);
    await call('DELETE', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA);
    const log = await call('GET', '/tenants/tenant-a/change-log?limit=200', tokens.auditorA);
    expect(log.status).toBe(200);
    expect(log.body.items.length).toBeGreaterThan(0);
    expect(log.body.items.filter((e: { action: string; subject_id: string }) => e.action.startsWith('client') || e.subject_id === created.client_id)).toEqual([]);
  });

  describe('bad input names the field', () => {
    it.each([
      [{ redirect_uris: ['http://app.example.com/cb'] }, 'body.redirect_uris.0'],
      [{ redirect_uris: ['https://app.example.com/cb#done'] }, 'body.redirect_uris.0'],
      [{ redirect_uris: ['/relative/callback'] }, 'body.redirect_uris.0'],
      [{ redirect_uris: [REDIRECT_URI, REDIRECT_URI] }, 'body.redirect_uris'],
      [{ redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: ['ftp://app.example.com/'] }, 'body.post_logout_redirect_uris.0'],
      [{ redirect_uris: [REDIRECT_URI], grant_types: ['implicit'] }, 'body.grant_types.0'],
      [{ redirect_uris: [REDIRECT_URI], grant_types: [] }, 'body.grant_types'],
      [{ redirect_uris: [REDIRECT_URI], grant_types: ['refresh_token'] }, 'body.grant_types'],
      [{ grant_types: ['authorization_code'] }, 'body.redirect_uris'],
      [{ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'private_key_jwt' }, 'body.token_endpoint_auth_method'],
      [{ redirect_uris: [REDIRECT_URI], client_name: '' }, 'body.client_name'],
      [{ redirect_uris: [REDIRECT_URI], scope: 'openid admin' }, 'body.scope'],
      [{ grant_types: ['client_credentials'], service_roles: ['platform_operator'] }, 'body.service_roles.0'],
      [{ redirect_uris: [REDIRECT_URI], service_roles: ['auditor'] }, 'body.service_roles'],
      [{ redirect_uris: [REDIRECT_URI], client_secret: 'chosen-by-me' }, 'body'],
      [{ redirect_uris: [REDIRECT_URI], backchannel_logout_uri: 'http://app.example.com/logout' }, 'body.backchannel_logout_uri'],
      [{ grant_types: ['client_credentials'], backchannel_logout_uri: 'https://app.example.com/logout' }, 'body.backchannel_logout_uri'],
      [{ redirect_uris: [REDIRECT_URI], jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'eA', y: 'eQ', d: 'c2VjcmV0' }] } }, 'body.jwks.keys.0'],
      [{ redirect_uris: [REDIRECT_URI], request_object_signing_alg: 'ES256' }, 'body.jwks'],
      [{ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', request_object_signing_alg: 'HS256' }, 'body.request_object_signing_alg'],
      [{ redirect_uris: [REDIRECT_URI], request_object_signing_alg: 'none' }, 'body.request_object_signing_alg'],
    ])('%j -> 400 naming %s', async (body, field) => {
      const res = await call('POST', '/tenants/tenant-a/clients', tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('accepts http redirect URIs on localhost and 127.0.0.1 only', async () => {
      const created = await create(webApp({ redirect_uris: ['http://localhost/cb', 'http://127.0.0.1:9000/cb', 'https://app.example.com/cb'] }));
      expect(created.redirect_uris).toHaveLength(3);
    });

    it('checks a change against the whole client and refuses an empty one', async () => {
      const created = await create(serviceAccount());
      const noRedirect = await call('PATCH', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA, { grant_types: ['authorization_code'] });
      expect(noRedirect.status).toBe(400);
      expect(noRedirect.body.errors.map((e: { field: string }) => e.field)).toContain('body.redirect_uris');
      expect((await call('PATCH', `/tenants/tenant-a/clients/${created.client_id}`, tokens.adminA, {})).status).toBe(400);
      expect((await call('GET', '/tenants/tenant-a/clients/not a client', tokens.adminA)).status).toBe(400);
    });
  });
});
