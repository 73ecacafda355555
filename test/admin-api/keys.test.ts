import { decodeProtectedHeader } from 'jose';
import { setTimeout as sleep } from 'node:timers/promises';
import { LONGEST_SIGNED_TOKEN_TTL } from '../../src/oidc/token-lifetimes.js';
import { type AdminCall, type AdminWorld, serviceToken, setUpAdminWorld } from '../support/admin.js';
import { asSetup, type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';

interface KeyView {
  kid: string;
  alg: string;
  status: 'current' | 'next' | 'retired';
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
  expires_at: string | null;
}

describe('admin API: signing keys', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];

  const keysOf = async (slug: string, token = tokens.operator): Promise<KeyView[]> => (await call('GET', `/tenants/${slug}/keys`, token)).body.items;
  const byStatus = (keys: KeyView[], status: KeyView['status'], alg: string) => keys.filter((k) => k.status === status && k.alg === alg);

  /** Polls the tenant's published JWKS until `done` holds: every process picks up new keys within its refresh interval. */
  async function jwksUntil(slug: string, done: (kids: string[]) => boolean): Promise<string[]> {
    let kids: string[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      const jwks = (await (await fetch(`${idp.baseUrl}/t/${slug}/jwks`)).json()) as { keys: { kid: string }[] };
      kids = jwks.keys.map((k) => k.kid);
      if (done(kids)) return kids;
      await sleep(100);
    }
    return kids;
  }

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  describe('authorization matrix', () => {
    const matrix: [string, number][] = [
      ['operator', 200],
      ['adminA', 200],
      ['managerA', 403],
      ['auditorA', 403],
      ['adminB', 404],
      ['anonymous', 401],
    ];
    it.each(matrix)('list keys as %s answers %i', async (who, status) => {
      expect((await call('GET', '/tenants/tenant-a/keys', tokens[who])).status).toBe(status);
    });
    it.each(matrix)('rotate keys as %s answers %i', async (who, status) => {
      expect((await call('POST', '/tenants/tenant-a/keys/rotate', tokens[who])).status).toBe(status);
    });
  });

  it('lists kid, algorithm, status and dates, never key material', async () => {
    const keys = await keysOf('tenant-b', tokens.adminB);
    for (const alg of ['ES256', 'RS256']) {
      expect(byStatus(keys, 'current', alg)).toHaveLength(1);
      expect(byStatus(keys, 'next', alg)).toHaveLength(1);
    }
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['activated_at', 'alg', 'created_at', 'expires_at', 'kid', 'retired_at', 'status']);
    }
    const stored = await idp.db.models.signingKeys.find({ tenantId: a.tenant._id }).lean();
    const raw = JSON.stringify(await call('GET', '/tenants/tenant-a/keys', tokens.adminA));
    for (const doc of stored) {
      expect(raw).not.toContain(doc.sealedPrivateJwk);
      expect(raw).not.toContain(String(doc.publicJwk.x ?? doc.publicJwk.n));
    }
  });

  it('promotes next to current and keeps the old current published until its tokens have expired', async () => {
    const before = await keysOf('tenant-a');
    const tokenBefore = await serviceToken(idp, a.tenant, ['tenant_admin']);
    const rotated = await call('POST', '/tenants/tenant-a/keys/rotate', tokens.operator);
    expect(rotated.status).toBe(200);
    const after: KeyView[] = rotated.body.items;

    for (const alg of ['ES256', 'RS256']) {
      const [oldCurrent] = byStatus(before, 'current', alg);
      const [oldNext] = byStatus(before, 'next', alg);
      const [current] = byStatus(after, 'current', alg);
      const [next] = byStatus(after, 'next', alg);
      expect(current!.kid).toBe(oldNext!.kid);
      expect(before.map((k) => k.kid)).not.toContain(next!.kid);
      const retired = after.find((k) => k.kid === oldCurrent!.kid)!;
      expect(retired.status).toBe('retired');
      const retainedMs = Date.parse(retired.expires_at!) - Date.parse(retired.retired_at!);
      expect(retainedMs).toBeGreaterThan(LONGEST_SIGNED_TOKEN_TTL * 1000);
    }

    const newCurrent = byStatus(after, 'current', 'ES256')[0]!.kid;
    const retiredEs = byStatus(before, 'current', 'ES256')[0]!.kid;
    const published = await jwksUntil('tenant-a', (kids) => kids.includes(byStatus(after, 'next', 'ES256')[0]!.kid));
    expect(published).toEqual(expect.arrayContaining([retiredEs, newCurrent]));

    // A token signed before the rotation still verifies; new tokens are signed with the promoted key.
    expect((await call('GET', '/tenants/tenant-a/users', tokenBefore)).status).toBe(200);
    const tokenAfter = await serviceToken(idp, a.tenant, ['tenant_admin']);
    expect(decodeProtectedHeader(tokenAfter).kid).toBe(newCurrent);
    expect((await call('GET', '/tenants/tenant-a/users', tokenAfter)).status).toBe(200);
  });

  it("keeps retired keys as long as the tenant's longest-lived resource tokens", async () => {
    const day = 24 * 3600;
    const tenant = await asSetup(() =>
      idp.services.tenants.create({ slug: 'long-tokens', name: 'Long tokens', settings: { resources: [{ indicator: 'urn:test:slow-locks', scopes: [], accessTokenTtl: day }] } }),
    );
    const oldCurrent = byStatus(await keysOf(tenant.slug), 'current', 'ES256')[0]!;
    const after: KeyView[] = (await call('POST', `/tenants/${tenant.slug}/keys/rotate`, tokens.operator)).body.items;
    const retired = after.find((k) => k.kid === oldCurrent.kid)!;
    expect(Date.parse(retired.expires_at!) - Date.parse(retired.retired_at!)).toBeGreaterThan(day * 1000);
  });
});
