import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import * as client from 'openid-client';
import { MasterKey } from '../../src/crypto/master-key.js';
import { SIGNING_ALGS, SigningKeyService } from '../../src/keys/signing-key.service.js';
import type { KeyStatus, SigningAlg } from '../../src/keys/signing-key.model.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const HOUR = 3600;

type KeySummary = { kid: string; alg: SigningAlg; status: KeyStatus; expiresAt?: Date; retiredAt?: Date };

function newTenantId(): string {
  return `ten_${randomBytes(9).toString('base64url')}`;
}

function byAlgAndStatus(keys: KeySummary[], alg: SigningAlg, status: KeyStatus): KeySummary[] {
  return keys.filter((k) => k.alg === alg && k.status === status);
}

/** The single key of an algorithm in a status; fails the spec if there is not exactly one. */
function only(keys: KeySummary[], alg: SigningAlg, status: KeyStatus): KeySummary {
  const found = byAlgAndStatus(keys, alg, status);
  expect(found.map((k) => `${k.alg}:${k.status}`)).toEqual([`${alg}:${status}`]);
  return found[0]!;
}

/** Re-reads until `done` holds or the deadline passes, and returns the last value read. */
async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await sleep(50);
  }
}

describe('signing keys', () => {
  let db: OpenTestDatabase;
  let masterKey: MasterKey;
  let keys: SigningKeyService;

  const rawKeys = () => db.models.signingKeys.collection;

  beforeAll(async () => {
    db = await openTestDatabase();
    masterKey = new MasterKey(randomBytes(32));
    keys = new SigningKeyService(db.models.signingKeys, masterKey);
  });
  afterAll(async () => {
    await db.drop();
  });

  describe('a new tenant', () => {
    it('has exactly one current and one next key for each of ES256 and RS256', async () => {
      const tenantId = newTenantId();
      await keys.createInitialKeys(tenantId);
      const list = await keys.list(tenantId);
      expect([...SIGNING_ALGS].sort()).toEqual(['ES256', 'RS256']);
      for (const alg of SIGNING_ALGS) {
        only(list, alg, 'current');
        only(list, alg, 'next');
      }
      expect(list).toHaveLength(SIGNING_ALGS.length * 2);
      expect(new Set(list.map((k) => k.kid)).size).toBe(list.length);
    });

    it('stores private keys only sealed under the master key', async () => {
      const tenantId = newTenantId();
      await keys.createInitialKeys(tenantId);
      const privateJwks = await keys.providerJwks(tenantId);
      const raw = await rawKeys().find({ tenantId }).toArray();
      expect(raw).toHaveLength(privateJwks.length);

      for (const doc of raw) {
        const privateJwk = privateJwks.find((jwk) => jwk.kid === doc.kid);
        expect(privateJwk?.d).toEqual(expect.any(String));
        const stored = JSON.stringify(doc);
        // No private member in clear, under any name or anywhere in the document.
        for (const member of PRIVATE_MEMBERS) expect(doc.publicJwk).not.toHaveProperty(member);
        expect(stored).not.toContain(privateJwk!.d!);
        expect(doc.sealedPrivateJwk).toEqual(expect.any(String));
        expect(doc.sealedPrivateJwk).not.toContain(JSON.stringify(privateJwk));
        expect(doc.sealedPrivateJwk).not.toContain('"d"');
        expect(doc.sealedPrivateJwk).not.toContain(Buffer.from(JSON.stringify(privateJwk)).toString('base64url'));
      }
    });

    it('cannot have its private keys opened with another master key', async () => {
      const tenantId = newTenantId();
      await keys.createInitialKeys(tenantId);
      const stranger = new SigningKeyService(db.models.signingKeys, new MasterKey(randomBytes(32)));
      await expect(stranger.providerJwks(tenantId)).rejects.toThrow(/unable to authenticate data/);
    });

    it("refuses a sealed key copied into another tenant's key record", async () => {
      const victim = newTenantId();
      const other = newTenantId();
      await keys.createInitialKeys(victim);
      await keys.createInitialKeys(other);
      const [stolen] = await rawKeys().find({ tenantId: victim, alg: 'ES256', status: 'current' }).toArray();
      await rawKeys().updateOne({ tenantId: other, alg: 'ES256', status: 'current' }, { $set: { sealedPrivateJwk: stolen!.sealedPrivateJwk } });
      await expect(keys.providerJwks(other)).rejects.toThrow(/unable to authenticate data/);
      expect(await keys.providerJwks(victim)).toHaveLength(SIGNING_ALGS.length * 2);
    });
  });

  describe('providerJwks', () => {
    it('lists the current keys first, so the provider signs with them', async () => {
      const tenantId = newTenantId();
      await keys.createInitialKeys(tenantId);
      await keys.rotate(tenantId, HOUR);
      const list = await keys.list(tenantId);
      const jwks = await keys.providerJwks(tenantId);

      const currentKids = list.filter((k) => k.status === 'current').map((k) => k.kid);
      expect(currentKids).toHaveLength(SIGNING_ALGS.length);
      expect(jwks.slice(0, currentKids.length).map((k) => k.kid).sort()).toEqual([...currentKids].sort());
      // oidc-provider takes the first key that fits an algorithm.
      for (const alg of SIGNING_ALGS) {
        expect(jwks.find((k) => k.alg === alg)?.kid).toBe(only(list, alg, 'current').kid);
      }
      expect(jwks.map((k) => k.kid).sort()).toEqual(list.map((k) => k.kid).sort());
    });

    it('returns private keys that match the published public keys', async () => {
      const tenantId = newTenantId();
      await keys.createInitialKeys(tenantId);
      const raw = await rawKeys().find({ tenantId }).toArray();
      for (const jwk of await keys.providerJwks(tenantId)) {
        const publicJwk = raw.find((doc) => doc.kid === jwk.kid)?.publicJwk as JWK | undefined;
        expect(publicJwk).toBeDefined();
        const { d, p, q, dp, dq, qi, ...publicPart } = jwk;
        expect(d).toEqual(expect.any(String));
        expect([p, q, dp, dq, qi].every((m) => m === undefined)).toBe(jwk.kty === 'EC');
        expect(publicPart).toEqual(publicJwk);
      }
    });

    it("holds only the tenant's own keys", async () => {
      const a = newTenantId();
      const b = newTenantId();
      await keys.createInitialKeys(a);
      await keys.createInitialKeys(b);
      const kidsOfB = new Set((await keys.list(b)).map((k) => k.kid));
      const jwksOfA = await keys.providerJwks(a);
      expect(jwksOfA.some((k) => kidsOfB.has(k.kid!))).toBe(false);
    });
  });

  describe('rotation', () => {
    it('promotes next to current, retires the old current with an expiry and creates a new next', async () => {
      const tenantId = newTenantId();
      await keys.createInitialKeys(tenantId);
      const before = await keys.list(tenantId);

      const rotatedAt = Date.now();
      await keys.rotate(tenantId, HOUR);
      const done = Date.now();
      const after = await keys.list(tenantId);

      for (const alg of SIGNING_ALGS) {
        const oldCurrent = only(before, alg, 'current');
        const oldNext = only(before, alg, 'next');
        expect(only(after, alg, 'current').kid).toBe(oldNext.kid);

        const retired = only(after, alg, 'retired');
        expect(retired.kid).toBe(oldCurrent.kid);
        expect(retired.retiredAt).toBeInstanceOf(Date);
        expect(retired.expiresAt).toBeInstanceOf(Date);
        expect(retired.expiresAt!.getTime()).toBeGreaterThanOrEqual(rotatedAt + HOUR * 1000);
        expect(retired.expiresAt!.getTime()).toBeLessThanOrEqual(done + HOUR * 1000);

        const newNext = only(after, alg, 'next');
        expect(before.map((k) => k.kid)).not.toContain(newNext.kid);
      }
      expect(after).toHaveLength(SIGNING_ALGS.length * 3);
    });

    it("leaves other tenants' keys as they were", async () => {
      const rotated = newTenantId();
      const bystander = newTenantId();
      await keys.createInitialKeys(rotated);
      await keys.createInitialKeys(bystander);
      const before = await keys.list(bystander);
      await keys.rotate(rotated, HOUR);
      expect(await keys.list(bystander)).toEqual(before);
    });

    it('drops retired keys once their expiresAt has passed', async () => {
      const tenantId = newTenantId();
      await keys.createInitialKeys(tenantId);
      await keys.rotate(tenantId, HOUR);
      const firstRetired = (await keys.list(tenantId)).filter((k) => k.status === 'retired').map((k) => k.kid);
      expect(firstRetired).toHaveLength(SIGNING_ALGS.length);

      // The clock passes their expiry.
      await rawKeys().updateMany({ tenantId, status: 'retired' }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      const published = (await keys.providerJwks(tenantId)).map((k) => k.kid);
      for (const kid of firstRetired) expect(published).not.toContain(kid);

      // The next rotation deletes them; the keys it retires itself stay published.
      await keys.rotate(tenantId, HOUR);
      expect(await rawKeys().countDocuments({ tenantId, kid: { $in: firstRetired } })).toBe(0);
      const after = await keys.list(tenantId);
      const secondRetired = after.filter((k) => k.status === 'retired').map((k) => k.kid);
      expect(secondRetired).toHaveLength(SIGNING_ALGS.length);
      expect(secondRetired.some((kid) => firstRetired.includes(kid))).toBe(false);
      const publishedAfter = (await keys.providerJwks(tenantId)).map((k) => k.kid);
      for (const kid of secondRetired) expect(publishedAfter).toContain(kid);
    });
  });
});

describe('signing key rotation, seen by a relying party', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let config: client.Configuration;
  let issuer: string;

  const fetchJwks = async (): Promise<JSONWebKeySet> => {
    const res = await fetch(`${issuer}/jwks`);
    expect(res.status).toBe(200);
    return (await res.json()) as JSONWebKeySet;
  };
  const kidsOf = (jwks: JSONWebKeySet) => jwks.keys.map((k) => k.kid);

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'rotor');
    issuer = `${idp.baseUrl}/t/rotor`;
    config = await discoverClient(idp.baseUrl, fixture);
  });
  afterAll(() => idp.close());

  it('publishes no private key member in the JWKS', async () => {
    const jwks = await fetchJwks();
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
  });

  it('keeps verifying an ID token signed before a rotation, and signs new tokens with the new current key', async () => {
    const tenantId = fixture.tenant._id;
    const { tokens: before } = await signIn(config, { email: fixture.user.email! });
    const oldHeader = decodeProtectedHeader(before.id_token!);
    const alg = oldHeader.alg as SigningAlg;
    expect(SIGNING_ALGS).toContain(alg);
    const keysBefore = await idp.services.signingKeys.list(tenantId);
    expect(oldHeader.kid).toBe(only(keysBefore, alg, 'current').kid);

    await idp.services.tenants.rotateSigningKeys(tenantId, HOUR);
    const keysAfter = await idp.services.signingKeys.list(tenantId);
    const newCurrent = only(keysAfter, alg, 'current');
    const newNext = only(keysAfter, alg, 'next');
    expect(newCurrent.kid).not.toBe(oldHeader.kid);

    // The provider is rebuilt on the configVersion bump; the key made by the rotation shows it has been.
    const jwks = await pollUntil(fetchJwks, (set) => kidsOf(set).includes(newNext.kid));
    expect(kidsOf(jwks)).toEqual(expect.arrayContaining([newNext.kid, newCurrent.kid, oldHeader.kid]));
    for (const key of jwks.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }

    const { payload } = await jwtVerify(before.id_token!, createLocalJWKSet(jwks), { issuer, audience: fixture.clientId });
    expect(payload.sub).toBe(fixture.user.id);

    const { tokens: afterRotation } = await signIn(config, { email: fixture.user.email! });
    const newHeader = decodeProtectedHeader(afterRotation.id_token!);
    expect(newHeader.alg).toBe(alg);
    expect(newHeader.kid).toBe(newCurrent.kid);
    await expect(jwtVerify(afterRotation.id_token!, createLocalJWKSet(jwks), { issuer, audience: fixture.clientId })).resolves.toBeDefined();
  });
});
