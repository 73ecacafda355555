import { createHash, randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import * as client from 'openid-client';
import { ACCESS_AUDIENCE } from '../../src/access/access-audience.js';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { asSetup, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { type TestIdp } from '../support/test-idp.js';
import { OfflineLock } from './offline-lock.js';
import { accessCall, SimulatedLock } from './simulated-lock.js';

/** A phone: its own ES256 key pair, the private key never sent. */
class Phone {
  private constructor(
    readonly jwk: JWK,
    private readonly key: CryptoKey,
  ) {}
  static async create() {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    return new Phone(await exportJWK(publicKey), privateKey);
  }
  /** A DPoP proof (RFC 9449) for one request with the user's access token. */
  dpop(url: string, token: string) {
    const ath = createHash('sha256').update(token).digest('base64url');
    return new SignJWT({ htm: 'POST', htu: url, ath }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: this.jwk }).setJti(randomUUID()).setIssuedAt().sign(this.key);
  }
  /** The answer to a lock's challenge. */
  proof(nonce: string) {
    return new SignJWT({ nonce }).setProtectedHeader({ alg: 'ES256', typ: 'door-proof+jwt', jwk: this.jwk }).setIssuedAt().sign(this.key);
  }
}

describe('phone keys', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let issuerA: string;
  let lockToken: string;
  let aliceToken: string;

  /** A user's access token for the access API with access:devices, from a real sign-in in the tenant's app. */
  const userToken = async (fixture: TenantFixture, email = fixture.user.email!) => {
    const config = await discoverClient(idp.baseUrl, fixture);
    const { tokens: signedIn } = await signIn(config, { email, resource: ACCESS_AUDIENCE, scope: 'openid offline_access access:devices' });
    return (await client.refreshTokenGrant(config, signedIn.refresh_token!, { resource: ACCESS_AUDIENCE })).access_token;
  };
  const devices = async (issuer: string, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${issuer}/access/v1/devices${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const register = async (phone: Phone, token = aliceToken, issuer = issuerA) => {
    const res = await devices(issuer, 'POST', '', token, { label: 'My phone', jwk: phone.jwk });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const doorKey = async (phone: Phone, id: string, token = aliceToken, issuer = issuerA) => {
    const url = `${issuer}/access/v1/devices/${id}/door-key`;
    return devices(issuer, 'POST', `/${id}/door-key`, token, undefined, { dpop: await phone.dpop(url, token) });
  };

  beforeAll(async () => {
    ({ idp, a, b, call, tokens } = await setUpAdminWorld());
    issuerA = `${idp.baseUrl}/t/tenant-a`;
    const lock = await SimulatedLock.create();
    const registered = await call('POST', '/tenants/tenant-a/locks', tokens.adminA, { name: 'Front lock', doors: ['main-entrance', 'lab'], jwk: lock.publicJwk });
    lock.clientId = registered.body.client_id;
    lockToken = await lock.token(issuerA);
    aliceToken = await userToken(a);
  });
  afterAll(() => idp.close());

  it('registers a phone under a pseudonymous id and lists it to its user, with a change-log entry', async () => {
    const phone = await Phone.create();
    const res = await devices(issuerA, 'POST', '', aliceToken, { label: 'Work phone', jwk: phone.jwk });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^dev_[\w-]{22}$/), label: 'Work phone', revoked_at: null });
    expect(res.body.id).not.toContain(res.body.jkt);
    const listed = await devices(issuerA, 'GET', '', aliceToken);
    expect(listed.body.items.map((d: { id: string }) => d.id)).toContain(res.body.id);
    const again = await devices(issuerA, 'POST', '', aliceToken, { label: 'Same key', jwk: phone.jwk });
    expect(again.status).toBe(409);
    const log = (await call('GET', `/tenants/tenant-a/change-log?subject=${a.user.id}`, tokens.auditorA)).body.items;
    expect(log.map((e: { action: string }) => e.action)).toContain('device.registered');
  });

  it('issues a door key a lock verifies with only the JWKS and a proof of the phone key', async () => {
    const phone = await Phone.create();
    const id = await register(phone);
    const res = await doorKey(phone, id);
    expect(res.status).toBe(200);
    const claims = decodeJwt(res.body.door_key);
    expect(claims).toMatchObject({ iss: issuerA, sub: a.user.id, device_id: id, cnf: { jkt: expect.any(String) }, jti: expect.any(String) });
    expect(claims.exp! - claims.iat!).toBe(res.body.expires_in);
    expect((claims.doors as { door_id: string }[]).map((d) => d.door_id)).toEqual(['lab', 'main-entrance']);

    const lock = await OfflineLock.of(issuerA);
    const challenge = randomUUID();
    expect(await lock.open('main-entrance', res.body.door_key, await phone.proof(challenge), challenge)).toEqual({ open: true });
    expect(await lock.open('vault', res.body.door_key, await phone.proof(challenge), challenge)).toMatchObject({ open: false, why: 'door not in key' });
    expect(await lock.open('main-entrance', res.body.door_key, await phone.proof('old-challenge'), challenge)).toMatchObject({ open: false });
    const later = new Date(claims.exp! * 1000 + 1000);
    expect(await lock.open('main-entrance', res.body.door_key, await phone.proof(challenge), challenge, later)).toMatchObject({ open: false, why: 'door key not valid' });
  });

  it('refuses a copied door key presented with another key’s proof, and gives no door key without the phone’s proof', async () => {
    const phone = await Phone.create();
    const thief = await Phone.create();
    const id = await register(phone);
    const { body } = await doorKey(phone, id);
    const lock = await OfflineLock.of(issuerA);
    const challenge = randomUUID();
    expect(await lock.open('main-entrance', body.door_key, await thief.proof(challenge), challenge)).toEqual({ open: false, why: 'proof not of the bound key' });

    expect((await doorKey(thief, id)).status).toBe(401);
    // A proof is good once: the same proof sent again (a captured request) gets nothing.
    const url = `${issuerA}/access/v1/devices/${id}/door-key`;
    const proof = await phone.dpop(url, aliceToken);
    expect((await devices(issuerA, 'POST', `/${id}/door-key`, aliceToken, undefined, { dpop: proof })).status).toBe(200);
    expect((await devices(issuerA, 'POST', `/${id}/door-key`, aliceToken, undefined, { dpop: proof })).status).toBe(401);
    expect((await devices(issuerA, 'POST', `/${id}/door-key`, aliceToken)).status).toBe(401);
  });

  it('revokes a phone: decisions answer device_revoked, and the offline lock refuses its unexpired key after one sync', async () => {
    const phone = await Phone.create();
    const id = await register(phone);
    const { body } = await doorKey(phone, id);
    const lock = await OfflineLock.of(issuerA);
    await lock.sync(lockToken);
    const challenge = randomUUID();
    expect((await lock.open('main-entrance', body.door_key, await phone.proof(challenge), challenge)).open).toBe(true);
    expect((await accessCall(issuerA, '/decisions', lockToken, { door: 'main-entrance', subject: { device_id: id } })).body).toMatchObject({ decision: 'granted', subject: a.user.id });

    const beforeRevocation = new Date().toISOString();
    expect((await devices(issuerA, 'DELETE', `/${id}`, aliceToken)).status).toBe(204);
    expect((await devices(issuerA, 'DELETE', `/${id}`, aliceToken)).status).toBe(409);
    const decision = await accessCall(issuerA, '/decisions', lockToken, { door: 'main-entrance', subject: { device_id: id } });
    expect(decision.body).toMatchObject({ decision: 'denied', reason: 'device_revoked', subject: a.user.id });
    // Asked about a time before the revocation, the device still answers as it did then.
    expect((await accessCall(issuerA, '/decisions', lockToken, { door: 'main-entrance', subject: { device_id: id }, time: beforeRevocation })).body).toMatchObject({ decision: 'granted' });
    const unknown = await accessCall(issuerA, '/decisions', lockToken, { door: 'main-entrance', subject: { device_id: 'dev_nosuchdevice0000000000' } });
    expect(unknown.body).toMatchObject({ decision: 'denied', reason: 'no_permission', subject: null });
    expect((await doorKey(phone, id)).status).toBe(403);

    // Still unexpired: only the revocation list stops it.
    expect((await lock.open('main-entrance', body.door_key, await phone.proof(challenge), challenge)).open).toBe(true);
    const list = await lock.sync(lockToken);
    expect(list.entries).toContainEqual(expect.objectContaining({ type: 'device', id }));
    expect(await lock.open('main-entrance', body.door_key, await phone.proof(challenge), challenge)).toEqual({ open: false, why: 'revoked' });
    const log = (await call('GET', `/tenants/tenant-a/change-log?subject=${a.user.id}`, tokens.auditorA)).body.items;
    expect(log.map((e: { action: string }) => e.action)).toContain('device.revoked');
  });

  it("keeps tenants apart: another tenant's user cannot see or use a device, and its JWKS does not verify A's key", async () => {
    const phone = await Phone.create();
    const id = await register(phone);
    const { body } = await doorKey(phone, id);
    const issuerB = `${idp.baseUrl}/t/tenant-b`;
    const bobToken = await userToken(b);
    expect((await devices(issuerB, 'GET', '', bobToken)).body.items).toEqual([]);
    expect((await doorKey(phone, id, bobToken, issuerB)).status).toBe(404);
    expect((await devices(issuerB, 'GET', '', aliceToken)).status).toBe(401);
    const lockB = await OfflineLock.of(issuerB);
    const challenge = randomUUID();
    expect(await lockB.open('main-entrance', body.door_key, await phone.proof(challenge), challenge)).toMatchObject({ open: false, why: 'door key not valid' });
    // The same phone key registered at B gets an unrelated id.
    expect(await register(phone, bobToken, issuerB)).not.toBe(id);
  });

  it("lets admins list and revoke a user's phones, puts them in the user's export, and erases them with the user", async () => {
    const phone = await Phone.create();
    const id = await register(phone);
    const listed = await call('GET', `/tenants/tenant-a/users/${a.user.id}/devices`, tokens.managerA);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual(expect.objectContaining({ id, label: 'My phone', revoked_at: null }));
    expect((await call('GET', `/tenants/tenant-b/users/${a.user.id}/devices`, tokens.adminB)).status).toBe(404);
    expect((await call('DELETE', `/tenants/tenant-b/users/${a.user.id}/devices/${id}`, tokens.adminB)).status).toBe(404);

    const revoked = await call('DELETE', `/tenants/tenant-a/users/${a.user.id}/devices/${id}`, tokens.adminA);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    expect((await call('DELETE', `/tenants/tenant-a/users/${a.user.id}/devices/${id}`, tokens.adminA)).status).toBe(409);
    expect((await doorKey(phone, id)).status).toBe(403);

    const carl = (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'carl@tenant-a.test', name: 'Carl' })).body.id as string;
    const carlsPhone = await Phone.create();
    await asSetup(() => idp.services.devices.register(a.tenant._id, carl, { label: 'Carl phone', jwk: { ...carlsPhone.jwk } }));
    const exported = await call('GET', `/tenants/tenant-a/users/${carl}/export`, tokens.adminA);
    expect(exported.body.devices).toEqual([expect.objectContaining({ label: 'Carl phone', revoked_at: null })]);
    expect((await call('DELETE', `/tenants/tenant-a/users/${carl}`, tokens.adminA)).status).toBe(204);
    expect(await idp.db.models.devices.countDocuments({ tenantId: a.tenant._id, userId: carl })).toBe(0);
  });

  it('answers bad requests with problems, never a 500', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const rsa = (await generateKeyPair('RS256', { extractable: true })).publicKey;
    for (const body of [{}, { label: 'x' }, { label: '', jwk: (await Phone.create()).jwk }, { label: 'x', jwk: await exportJWK(privateKey) }, { label: 'x', jwk: await exportJWK(rsa) }, { label: 'x', jwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' } }, '{', []]) {
      const res = await devices(issuerA, 'POST', '', aliceToken, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await devices(issuerA, 'DELETE', '/not-an-id', aliceToken)).status).toBe(400);
    expect((await devices(issuerA, 'GET', '', lockToken)).status).toBe(401);
    // An app's token for the access API carries only access:devices: it is no lock's, and decides nothing.
    expect(decodeJwt(aliceToken).scope).toBe('access:devices');
    expect((await accessCall(issuerA, '/decisions', aliceToken, { door: 'lab', subject: { user_id: a.user.id } })).status).toBe(401);
    expect((await devices(issuerA, 'GET', '', 'nonsense')).status).toBe(401);
    const res = await fetch(`${issuerA}/access/v1/revocations?since=minus`, { headers: { authorization: `Bearer ${lockToken}` } });
    expect(res.status).toBe(400);
    const jwks = createLocalJWKSet((await (await fetch(`${issuerA}/jwks`)).json()) as JSONWebKeySet);
    await expect(jwtVerify(aliceToken, jwks, { typ: 'door-key+jwt' })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it("gives door keys the tenant's door_key_ttl, 600 s until it is set, and refuses a lifetime out of bounds", async () => {
    const bobToken = await userToken(b);
    const issuerB = `${idp.baseUrl}/t/tenant-b`;
    const phone = await Phone.create();
    const id = await register(phone, bobToken, issuerB);
    const lifetime = async () => {
      const res = await doorKey(phone, id, bobToken, issuerB);
      expect(res.status).toBe(200);
      const claims = decodeJwt(res.body.door_key);
      expect(res.body.expires_in).toBe(claims.exp! - claims.iat!);
      return res.body.expires_in as number;
    };
    expect(await lifetime()).toBe(600);

    for (const door_key_ttl of [59, 86_401, 90.5, '120']) {
      const refused = await call('PATCH', '/tenants/tenant-b/settings', tokens.adminB, { door_key_ttl });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ type: 'urn:doorway:problem:validation', errors: [expect.objectContaining({ field: 'body.door_key_ttl' })] });
    }
    expect((await call('PATCH', '/tenants/tenant-b/settings', tokens.adminB, { door_key_ttl: 120 })).body).toMatchObject({ door_key_ttl: 120 });
    // Every process applies a settings change within TENANT_REFRESH_MS (200 ms in specs).
    let seen = await lifetime();
    for (let attempt = 0; attempt < 50 && seen !== 120; attempt++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await lifetime();
    }
    expect(seen).toBe(120);
  });
});
