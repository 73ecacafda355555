import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT, type JWTPayload } from 'jose';
import * as client from 'openid-client';
import { adminAudience } from '../../src/admin-api/admin-api.js';
import { type AdminCall, type AdminWorld, personToken, setUpAdminWorld } from '../support/admin.js';
import { asSetup, PASSWORD, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { type TestIdp } from '../support/test-idp.js';

/**
 * Which tokens the admin API refuses. Every token here is refused with 401 (not ours, not for this API, not
 * valid now) or 403 (a valid caller without the role), never a 500; each forged token has a control that
 * differs only in the property under test and is accepted, so a refusal is for that property alone.
 */
describe('admin API: access tokens it refuses', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  const USERS = '/tenants/tenant-a/users';

  const expectProblem = (res: { status: number; headers: Headers }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  };
  const withToken = (token: string) => call('GET', USERS, token);

  /** A token signed with `fixture`'s current ES256 key, from a real one with some claims replaced. */
  async function forge(fixture: TenantFixture, template: string, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const { kid } = decodeProtectedHeader(template);
    const keys = await idp.services.signingKeys.providerJwks(fixture.tenant._id);
    // Tenant A signs with the key the real token names; any ES256 key of another tenant is foreign to A.
    const jwk = keys.find((k) => k.alg === 'ES256' && (fixture !== a || k.kid === kid))!;
    return new SignJWT({ ...decodeJwt(template), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: jwk.kid, ...header })
      .sign(await importJWK(jwk, 'ES256'));
  }


  beforeAll(async () => {
    ({ idp, a, b, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  it('accepts the forged control token: same key, claims and header as a real one', async () => {
    expect((await withToken(await forge(a, tokens.adminA!, {}))).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectProblem(await withToken(await forge(a, tokens.adminA!, { iat: now - 400, exp: now - 60 })), 401);
  });

  it('refuses a token whose signature does not match', async () => {
    const [header, payload, signature] = tokens.adminA!.split('.');
    const flipped = `${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    expectProblem(await withToken(`${header}.${payload}.${flipped}`), 401);
    // The payload of another caller under the admin's signature.
    expectProblem(await withToken(`${header}.${tokens.auditorA!.split('.')[1]}.${signature}`), 401);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const encode = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    expectProblem(await withToken(`${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(decodeJwt(tokens.adminA!))}.`), 401);
    expectProblem(await withToken(`${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(decodeJwt(tokens.adminA!))}.c2ln`), 401);
  });

  it("refuses a token naming tenant A's issuer but signed with tenant B's key", async () => {
    expectProblem(await withToken(await forge(b, tokens.adminA!, {})), 401);
  });

  it("refuses a token from an issuer that is not one of ours, or names no tenant we have", async () => {
    expectProblem(await withToken(await forge(a, tokens.adminA!, { iss: 'https://evil.example/t/tenant-a' })), 401);
    expectProblem(await withToken(await forge(a, tokens.adminA!, { iss: `${idp.baseUrl}/t/no-such-tenant` })), 401);
    expectProblem(await withToken(await forge(a, tokens.adminA!, { iss: `${idp.baseUrl}/t/../t/tenant-a` })), 401);
    expectProblem(await withToken(await forge(a, tokens.adminA!, { iss: 42 as unknown as string })), 401);
  });

  it("keeps another tenant's valid token out of tenant A: its admin learns nothing (404)", async () => {
    expect((await call('GET', '/tenants/tenant-b/users', tokens.adminB)).status).toBe(200);
    expectProblem(await call('GET', USERS, tokens.adminB), 404);
  });

  it('refuses a JWT access token from the same issuer for another resource', async () => {
    const config = await discoverClient(idp.baseUrl, a);
    const { access_token } = await client.clientCredentialsGrant(config, { resource: RESOURCE, scope: 'locks:open' });
    expect(decodeJwt(access_token).aud).toBe(RESOURCE);
    expectProblem(await withToken(access_token), 401);
    // Forged the same way: only the audience differs from the accepted control.
    expectProblem(await withToken(await forge(a, tokens.adminA!, { aud: RESOURCE })), 401);
  });

  it('refuses a token that is not an access token (typ), even with the right audience', async () => {
    expectProblem(await withToken(await forge(a, tokens.adminA!, {}, { typ: 'JWT' })), 401);
  });

  it('refuses opaque and malformed tokens, and other schemes', async () => {
    expectProblem(await withToken('opaque-token-0123456789'), 401);
    expectProblem(await withToken('a.b.c'), 401);
    expectProblem(await withToken(`${tokens.adminA}.extra`), 401);
    const basic = await fetch(`${idp.baseUrl}/admin/api/v1${USERS}`, { headers: { authorization: `Basic ${Buffer.from('x:y').toString('base64')}` } });
    expect(basic.status).toBe(401);
  });

  describe('a person signed in at tenant A', () => {
    let alice: Awaited<ReturnType<typeof signIn>>;

    beforeAll(async () => {
      alice = await signIn(await discoverClient(idp.baseUrl, a), { email: a.user.email! });
    });

    it('cannot call it with their ID token', async () => {
      expectProblem(await withToken(alice.tokens.id_token!), 401);
    });

    it('cannot call it with the access token their app received (opaque, for userinfo)', async () => {
      expectProblem(await withToken(alice.tokens.access_token), 401);
    });

    it('is refused with 403 holding no admin role, and let in holding one', async () => {
      const token = await personToken(idp, a.tenant, a.user.email!);
      expect(decodeJwt(token)).toMatchObject({ aud: adminAudience(idp.baseUrl), sub: a.user.id });
      expectProblem(await withToken(token), 403);
      await asSetup(() => idp.services.users.update(a.tenant, a.user.id, { roles: [...a.user.roles, 'user_manager'] }));
      // Roles are read at each request, not from the token: the same token now passes.
      expect((await withToken(token)).status).toBe(200);
    });

    it('is refused with 401 once locked, even holding an admin role', async () => {
      const admin = await asSetup(() => idp.services.users.create(a.tenant, { email: 'ada@tenant-a.test', password: PASSWORD, roles: ['tenant_admin'], emailVerified: true }));
      const token = await personToken(idp, a.tenant, admin.email!);
      expect((await withToken(token)).status).toBe(200);
      await asSetup(() => idp.services.users.setStatus(a.tenant, admin.id, { from: ['active'], to: 'locked', action: 'user.locked' }));
      expectProblem(await withToken(token), 401);
    });
  });
});
