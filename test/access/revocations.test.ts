import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { asSetup, type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';
import { OfflineLock } from './offline-lock.js';
import { SimulatedLock } from './simulated-lock.js';

describe('the revocation list', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let issuerA: string;
  let issuerB: string;
  let lockTokenA: string;
  let lockTokenB: string;

  const lockToken = async (slug: string, token: string | undefined, door: string) => {
    const lock = await SimulatedLock.create();
    lock.clientId = (await call('POST', `/tenants/${slug}/locks`, token, { name: 'Lock', doors: [door], jwk: lock.publicJwk })).body.client_id;
    return lock.token(`${idp.baseUrl}/t/${slug}`);
  };
  const newUser = async (name: string) => (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: `${name}@tenant-a.test`, name })).body.id as string;
  const grant = async (userId: string, door = 'main-entrance') => (await call('POST', '/tenants/tenant-a/door-permissions', tokens.adminA, { door, holder: { type: 'user', id: userId } })).body.id as string;
  /** A user with a phone and a door key for it, and the phone's answer to a challenge. */
  const withKey = async (userId: string) => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk: JWK = await exportJWK(publicKey);
    const device = await asSetup(() => idp.services.devices.register(a.tenant._id, userId, { label: 'Phone', jwk: { ...jwk } }));
    const { jwt } = await idp.services.doorKeys.issue(a.tenant, issuerA, device);
    const proof = (nonce: string) => new SignJWT({ nonce }).setProtectedHeader({ alg: 'ES256', typ: 'door-proof+jwt', jwk }).setIssuedAt().sign(privateKey as CryptoKey);
    return { device, doorKey: jwt, proof };
  };
  const opens = async (lock: OfflineLock, key: Awaited<ReturnType<typeof withKey>>, door = 'main-entrance') => {
    const challenge = randomUUID();
    return lock.open(door, key.doorKey, await key.proof(challenge), challenge);
  };

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
    issuerA = `${idp.baseUrl}/t/tenant-a`;
    issuerB = `${idp.baseUrl}/t/tenant-b`;
    lockTokenA = await lockToken('tenant-a', tokens.adminA, 'main-entrance');
    lockTokenB = await lockToken('tenant-b', tokens.adminB, 'main-entrance');
  });
  afterAll(() => idp.close());

  it('names a locked person, so the offline lock refuses their unexpired door key after one sync', async () => {
    const lou = await newUser('lou');
    await grant(lou);
    const key = await withKey(lou);
    const lock = await OfflineLock.of(issuerA);
    await lock.sync(lockTokenA);
    expect(await opens(lock, key)).toEqual({ open: true });

    expect((await call('POST', `/tenants/tenant-a/users/${lou}/lock`, tokens.adminA)).status).toBe(200);
    const before = lock.version;
    const list = await lock.sync(lockTokenA);
    expect(list).toMatchObject({ iss: issuerA, since: before });
    expect(list.version).toBeGreaterThan(before);
    expect(list.entries).toContainEqual({ type: 'user', id: lou, revoked_at: expect.any(String) });
    expect(await opens(lock, key)).toEqual({ open: false, why: 'revoked' });
  });

  it('names a revoked door permission, and the lock drops that door from keys issued before', async () => {
    const pia = await newUser('pia');
    const permission = await grant(pia);
    const key = await withKey(pia);
    const lock = await OfflineLock.of(issuerA);
    await lock.sync(lockTokenA);
    expect((await call('DELETE', `/tenants/tenant-a/door-permissions/${permission}`, tokens.adminA)).status).toBe(200);
    const list = await lock.sync(lockTokenA);
    expect(list.entries).toContainEqual(expect.objectContaining({ type: 'permission', id: permission }));
    expect(await opens(lock, key)).toEqual({ open: false, why: 'door not in key' });
  });

  it('names restricted and erased people', async () => {
    const rita = await newUser('rita');
    const erin = await newUser('erin');
    expect((await call('POST', `/tenants/tenant-a/users/${rita}/restrict`, tokens.adminA)).status).toBe(200);
    expect((await call('DELETE', `/tenants/tenant-a/users/${erin}`, tokens.adminA)).status).toBe(204);
    const lock = await OfflineLock.of(issuerA);
    const ids = (await lock.sync(lockTokenA)).entries.filter((e) => e.type === 'user').map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining([rita, erin]));
  });

  it('hands out each revocation once, under versions that only grow, even when revoked at the same moment', async () => {
    const lock = await OfflineLock.of(issuerA);
    await lock.sync(lockTokenA);
    const sam = await newUser('sam');
    const keys = await Promise.all([1, 2, 3, 4, 5].map(() => withKey(sam)));
    await Promise.all(keys.map((k) => asSetup(() => idp.services.devices.revoke(a.tenant._id, sam, k.device._id))));
    const first = await lock.sync(lockTokenA);
    const versions = await idp.db.models.revocations.find({ tenantId: a.tenant._id, subjectId: { $in: keys.map((k) => k.device._id) } }).lean();
    expect(new Set(versions.map((v) => v.version)).size).toBe(5);
    expect(first.entries.filter((e) => e.type === 'device').map((e) => e.id).sort()).toEqual(keys.map((k) => k.device._id).sort());
    expect(first.version).toBe(Math.max(...versions.map((v) => v.version)));
    const again = await lock.sync(lockTokenA);
    expect(again).toMatchObject({ since: first.version, version: first.version, entries: [] });
  });

  it('never reaches past a version whose entry is still being written, so a lock cannot skip it', async () => {
    const lock = await OfflineLock.of(issuerA);
    const synced = (await lock.sync(lockTokenA)).version;
    // A revocation mid-way in another process: its version is drawn, its entry not yet written.
    const mark = { version: synced + 1, at: new Date() };
    const counters = idp.db.models.revocationCounters;
    await counters.updateOne({ _id: a.tenant._id, version: synced }, { $inc: { version: 1 }, $push: { pending: mark } });
    const tom = await newUser('tom');
    const key = await withKey(tom);
    await asSetup(() => idp.services.devices.revoke(a.tenant._id, tom, key.device._id));
    expect(await lock.sync(lockTokenA)).toMatchObject({ version: synced, entries: [] });

    await counters.updateOne({ _id: a.tenant._id }, { $pull: { pending: mark } });
    const list = await lock.sync(lockTokenA);
    expect(list.entries).toEqual([expect.objectContaining({ type: 'device', id: key.device._id })]);
  });

  it("keeps tenants apart: B's list names nothing of A, and A's list does not verify with B's keys", async () => {
    const lockB = await OfflineLock.of(issuerB);
    expect((await lockB.sync(lockTokenB)).entries).toEqual([]);
    const res = await fetch(`${issuerA}/access/v1/revocations?since=0`, { headers: { authorization: `Bearer ${lockTokenA}` } });
    const { revocation_list } = (await res.json()) as { revocation_list: string };
    expect(decodeJwt(revocation_list).iss).toBe(issuerA);
    const jwksB = createLocalJWKSet((await (await fetch(`${issuerB}/jwks`)).json()) as JSONWebKeySet);
    await expect(jwtVerify(revocation_list, jwksB, { issuer: issuerA })).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect((await fetch(`${issuerA}/access/v1/revocations`, { headers: { authorization: `Bearer ${lockTokenB}` } })).status).toBe(401);
  });

  it('refuses callers that are no lock and answers bad versions with problems', async () => {
    expect((await fetch(`${issuerA}/access/v1/revocations`)).status).toBe(401);
    for (const since of ['-1', 'x', '1.5', '99999999999999999999']) {
      const res = await fetch(`${issuerA}/access/v1/revocations?since=${since}`, { headers: { authorization: `Bearer ${lockTokenA}` } });
      expect([since, res.status]).toEqual([since, 400]);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });
});
