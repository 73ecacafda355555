import { performance } from 'node:perf_hooks';
import { runWithContext } from '../src/audit/request-context.js';
import type { Services } from '../src/services.js';
import { ensurePlatformTenant } from '../src/tenants/platform.js';
import type { TenantDoc } from '../src/tenants/tenant.model.js';

export const BENCH_TENANT = 'bench';
export const RESOURCE = 'urn:bench:locks';
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const PASSWORD = 'Correct-Horse-Battery-9';

export interface BenchSeed {
  tenant: TenantDoc;
  app: { clientId: string; clientSecret: string };
  /** A service account of the bench tenant holding tenant_admin, for the admin API scenarios. */
  admin: { clientId: string; clientSecret: string };
  users: { email: string; password: string }[];
}

/** Seeding is a job like any other: its writes reach the change log under one named identity. */
function asJob<T>(fn: () => Promise<T>): Promise<T> {
  return runWithContext({ actor: { type: 'job', id: 'bench-seed' } }, fn);
}

/** The bench tenant, set up as test/support/fixtures.ts sets up a tenant: client, resource, users with doors. */
export function seedBenchTenant(services: Services, userCount: number): Promise<BenchSeed> {
  return asJob(async () => {
    await ensurePlatformTenant(services);
    const tenant = await services.tenants.create({
      slug: BENCH_TENANT,
      name: 'Bench',
      settings: { resources: [{ indicator: RESOURCE, scopes: ['locks:open'], accessTokenTtl: 600 }] },
    });
    const app = await services.clients.create(tenant._id, {
      client_id: 'bench-app',
      client_name: 'Bench app',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid offline_access profile email roles doors',
    });
    const admin = await services.clients.create(tenant._id, {
      client_name: 'Bench admin',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      service_roles: ['tenant_admin'],
    });
    const door = await services.doors.create(tenant._id, { key: 'main-entrance', name: 'Main entrance' });
    const lab = await services.doors.create(tenant._id, { key: 'lab', name: 'Lab' });
    await services.roles.create(tenant._id, { name: 'employee' });
    await services.doorPermissions.grant(tenant._id, { doorId: lab._id, holderType: 'role', holderId: 'employee' });
    const users: BenchSeed['users'] = [];
    for (let i = 0; i < userCount; i++) {
      const email = `person-${i}@bench.test`;
      const user = await services.users.create(tenant, { email, password: PASSWORD, name: `Person ${i}`, roles: ['employee'], emailVerified: true });
      await services.doorPermissions.grant(tenant._id, { doorId: door._id, holderType: 'user', holderId: user.id });
      users.push({ email, password: PASSWORD });
    }
    return { tenant, app: { clientId: app.clientId, clientSecret: app.clientSecret! }, admin: { clientId: admin.clientId, clientSecret: admin.clientSecret! }, users };
  });
}

/**
 * `count` more tenants, each with its signing keys (two RSA key pairs among them, the slow part), created
 * `concurrency` at a time. Returns their slugs and the time per tenant.
 */
export async function createTenants(
  services: Services,
  count: number,
  concurrency: number,
  progress: (done: number) => void = () => {},
): Promise<{ slugs: string[]; msPerTenant: number }> {
  const slugs = Array.from({ length: count }, (_, i) => `tenant-${String(i).padStart(4, '0')}`);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < slugs.length) {
      const slug = slugs[next++]!;
      await services.tenants.create({ slug, name: `Tenant ${slug}` });
      if (next % 100 === 0) progress(next);
    }
  };
  await asJob(() => Promise.all(Array.from({ length: concurrency }, worker)));
  return { slugs, msPerTenant: (performance.now() - t0) / count };
}
