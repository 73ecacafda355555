import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as client from 'openid-client';
import { MasterKey } from '../../src/crypto/master-key.js';
import { createLogger } from '../../src/observability/logger.js';
import { createServices, type Services } from '../../src/services.js';
import { TenantPool, type TenantPoolOptions } from '../../src/tenants/tenant-pool.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { Browser } from '../support/browser.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';
import { createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** Re-reads until `done` holds or the deadline passes, and returns the last value read. */
async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await sleep(25);
  }
}

function newSlug(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** What the pool holds in these specs: the tenant document it was built from, and which build made it. */
interface FakeRuntime {
  tenant: TenantDoc;
  serial: number;
}

describe('tenant pool', () => {
  let db: OpenTestDatabase;
  let services: Services;

  beforeAll(async () => {
    db = await openTestDatabase();
    services = createServices(db, new MasterKey(randomBytes(32)), { argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 } }, createLogger('silent'));
  });
  afterAll(async () => {
    await db.drop();
  });

  /**
   * A pool over the real tenant collection whose loaders are the services' own, wrapped to record each call,
   * so a spec can tell which requests reached the database and which builds ran.
   */
  function observedPool(options: Partial<Pick<TenantPoolOptions<FakeRuntime>, 'max' | 'refreshMs' | 'unknownTtlMs' | 'build'>> = {}) {
    const calls = { loadTenant: [] as string[], configVersion: [] as string[], build: [] as string[] };
    let serial = 0;
    const build = options.build ?? (async (tenant: TenantDoc) => ({ tenant, serial: ++serial }));
    const pool = new TenantPool<FakeRuntime>({
      max: options.max ?? 100,
      refreshMs: options.refreshMs ?? 60_000,
      unknownTtlMs: options.unknownTtlMs ?? 60_000,
      loadTenant: (slug) => {
        calls.loadTenant.push(slug);
        return services.tenants.findBySlug(slug);
      },
      configVersion: (slug) => {
        calls.configVersion.push(slug);
        return services.tenants.configVersion(slug);
      },
      build: (tenant) => {
        calls.build.push(tenant.slug);
        return build(tenant);
      },
    });
    const databaseReads = () => calls.loadTenant.length + calls.configVersion.length;
    return { pool, calls, databaseReads };
  }

  const createTenant = (slug: string) => services.tenants.create({ slug, name: `Tenant ${slug}` });

  describe('building', () => {
    it('builds a tenant once for concurrent first requests and gives them all the same runtime', async () => {
      const tenant = await createTenant(newSlug('burst'));
      const { pool, calls } = observedPool();
      const runtimes = await Promise.all(Array.from({ length: 8 }, () => pool.get(tenant.slug)));
      expect(runtimes[0]).not.toBeNull();
      expect(runtimes[0]!.tenant._id).toBe(tenant._id);
      for (const runtime of runtimes) expect(runtime).toBe(runtimes[0]);
      expect(calls.build).toEqual([tenant.slug]);
      expect(calls.loadTenant).toEqual([tenant.slug]);
    });

    it('trusts a built runtime for refreshMs without reading the database again', async () => {
      const tenant = await createTenant(newSlug('steady'));
      const { pool, calls, databaseReads } = observedPool({ refreshMs: 60_000 });
      const first = await pool.get(tenant.slug);
      const readsAfterBuild = databaseReads();
      for (let i = 0; i < 5; i++) expect(await pool.get(tenant.slug)).toBe(first);
      expect(databaseReads()).toBe(readsAfterBuild);
      expect(calls.build).toHaveLength(1);
    });

    it('does not keep a failed build: the next request builds again', async () => {
      const tenant = await createTenant(newSlug('flaky'));
      let attempts = 0;
      const { pool, calls } = observedPool({
        build: async (doc) => {
          attempts += 1;
          if (attempts === 1) throw new Error('provider could not be built');
          return { tenant: doc, serial: attempts };
        },
      });
      await expect(pool.get(tenant.slug)).rejects.toThrow('provider could not be built');
      const runtime = await pool.get(tenant.slug);
      expect(runtime?.tenant._id).toBe(tenant._id);
      expect(calls.build).toHaveLength(2);
    });
  });

  describe('unknown and invalid slugs', () => {
    it('answers null for an unknown slug and remembers it: a second lookup reads nothing', async () => {
      const slug = newSlug('nobody');
      const { pool, calls, databaseReads } = observedPool({ unknownTtlMs: 60_000 });
      expect(await pool.get(slug)).toBeNull();
      expect(calls.loadTenant).toEqual([slug]);
      const reads = databaseReads();
      expect(await pool.get(slug)).toBeNull();
      expect(databaseReads()).toBe(reads);
    });

    it('forgets an unknown slug after unknownTtlMs, so a tenant created since is served', async () => {
      const slug = newSlug('late');
      const { pool, calls } = observedPool({ unknownTtlMs: 100 });
      expect(await pool.get(slug)).toBeNull();
      const tenant = await createTenant(slug);
      const runtime = await pollUntil(() => pool.get(slug), (r) => r !== null);
      expect(runtime?.tenant._id).toBe(tenant._id);
      expect(calls.loadTenant.length).toBeGreaterThanOrEqual(2);
    });

    it.each([
      ['a path traversal', '../x'],
      ['uppercase letters', 'Acme'],
      ['a 200-character slug', 'a'.repeat(200)],
      ['an empty slug', ''],
      ['a leading hyphen', '-acme'],
      ['an encoded dot segment', '%2e%2e'],
      ['a query operator', '{"$ne":null}'],
    ])('answers null for %s without reading the database', async (_what, slug) => {
      const { pool, calls, databaseReads } = observedPool();
      expect(await pool.get(slug)).toBeNull();
      expect(databaseReads()).toBe(0);
      expect(calls.build).toHaveLength(0);
    });
  });

  describe('refresh', () => {
    it('rebuilds the runtime after refreshMs once the tenant configVersion has changed', async () => {
      const tenant = await createTenant(newSlug('renamed'));
      const { pool, calls } = observedPool({ refreshMs: 100 });
      const first = await pool.get(tenant.slug);
      expect(first?.tenant.name).toBe(tenant.name);

      const updated = await services.tenants.update(tenant._id, { name: 'Renamed Ltd' });
      expect(updated.configVersion).toBe(tenant.configVersion + 1);

      const rebuilt = await pollUntil(() => pool.get(tenant.slug), (r) => r?.tenant.name === 'Renamed Ltd');
      expect(rebuilt).not.toBe(first);
      expect(rebuilt?.tenant.name).toBe('Renamed Ltd');
      expect(rebuilt?.tenant.configVersion).toBe(updated.configVersion);
      expect(calls.build).toHaveLength(2);
    });

    it('keeps the same runtime when revalidation finds the configVersion unchanged', async () => {
      const tenant = await createTenant(newSlug('unchanged'));
      const { pool, calls } = observedPool({ refreshMs: 20 });
      const first = await pool.get(tenant.slug);
      const seen = new Set<FakeRuntime | null>();
      await pollUntil(
        async () => seen.add(await pool.get(tenant.slug)),
        () => calls.configVersion.length >= 3,
      );
      expect(calls.configVersion.length).toBeGreaterThanOrEqual(3);
      expect([...seen]).toEqual([first]);
      expect(calls.build).toHaveLength(1);
    });

    it('stops serving a tenant whose document is gone, once it revalidates', async () => {
      const tenant = await createTenant(newSlug('removed'));
      const { pool } = observedPool({ refreshMs: 50 });
      expect(await pool.get(tenant.slug)).not.toBeNull();
      await db.models.tenants.collection.deleteOne({ _id: tenant._id as never });
      expect(await pollUntil(() => pool.get(tenant.slug), (r) => r === null)).toBeNull();
    });
  });

  describe('eviction', () => {
    let slugs: [string, string, string];

    beforeAll(async () => {
      slugs = [newSlug('lru-a'), newSlug('lru-b'), newSlug('lru-c')];
      for (const slug of slugs) await createTenant(slug);
    });

    it('keeps at most max runtimes, evicting the least recently used', async () => {
      const [a, b, c] = slugs;
      const { pool, calls } = observedPool({ max: 2 });
      await pool.get(a);
      await pool.get(b);
      await pool.get(c);
      expect(pool.size).toBe(2);
      expect(calls.build).toEqual([a, b, c]);

      await pool.get(c);
      await pool.get(b);
      expect(calls.build).toEqual([a, b, c]);
      await pool.get(a);
      expect(calls.build).toEqual([a, b, c, a]);
      expect(pool.size).toBe(2);
    });

    it('counts a cached lookup as use: the tenant just read stays, the other goes', async () => {
      const [a, b, c] = slugs;
      const { pool, calls } = observedPool({ max: 2 });
      await pool.get(a);
      await pool.get(b);
      await pool.get(a);
      await pool.get(c);
      expect(calls.build).toEqual([a, b, c]);

      await pool.get(a);
      expect(calls.build).toEqual([a, b, c]);
      await pool.get(b);
      expect(calls.build).toEqual([a, b, c, b]);
    });
  });
});

describe('two processes of one deployment on one database', () => {
  let first: Awaited<ReturnType<typeof startTestIdp>>;
  let second: TestIdp;

  beforeAll(async () => {
    const masterKey = randomBytes(32);
    first = await startTestIdp({ masterKey });
    // One public URL for both, as behind a load balancer; each is still reached on its own port here.
    second = await startTestIdp({ database: first.testDatabase, masterKey, env: { PUBLIC_URL: first.baseUrl } });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  /** The sign-in page the second process renders for an authorization request. */
  async function signInPageOfSecond(fixture: TenantFixture): Promise<string> {
    const params = new URLSearchParams({
      client_id: fixture.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const { res, url } = await new Browser().follow(`${second.baseUrl}/t/${fixture.tenant.slug}/auth?${params}`);
    expect(new URL(url).origin).toBe(second.baseUrl);
    expect(res.status).toBe(200);
    return res.text();
  }

  async function introspectAtSecond(fixture: TenantFixture, token: string): Promise<{ active: boolean }> {
    const res = await fetch(`${second.baseUrl}/t/${fixture.tenant.slug}/token/introspection`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(fixture.clientId)}:${encodeURIComponent(fixture.clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { active: boolean };
  }

  it("shows a tenant renamed through the first process on the second process's pages", async () => {
    const fixture = await createTenantFixture(first.services, 'twin-rename');
    expect(await signInPageOfSecond(fixture)).toContain(fixture.tenant.name);

    await first.services.tenants.update(fixture.tenant._id, { name: 'Twin Facilities' });

    const page = await pollUntil(() => signInPageOfSecond(fixture), (html) => html.includes('Twin Facilities'));
    expect(page).toContain('Twin Facilities');
    expect(page).not.toContain(fixture.tenant.name);
  });

  it('stops honouring tokens at the second process once the first suspends the tenant', async () => {
    const fixture = await createTenantFixture(first.services, 'twin-suspend');
    const { tokens } = await signIn(await discoverClient(first.baseUrl, fixture), { email: fixture.user.email! });
    expect(await introspectAtSecond(fixture, tokens.access_token)).toMatchObject({ active: true });

    await first.services.tenants.update(fixture.tenant._id, { state: 'suspended' });

    const answer = await pollUntil(() => introspectAtSecond(fixture, tokens.access_token), (body) => body.active === false);
    expect(answer).toEqual({ active: false });
  });
});
