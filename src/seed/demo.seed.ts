import { runWithContext } from '../audit/request-context.js';
import type { Config } from '../config.js';
import type { Services } from '../services.js';

export interface DemoSeedResult {
  created: boolean;
  tenantSlug: string;
}

/**
 * The demo tenant of a local run: one confidential client, one user with roles and door permissions, one
 * admin (tenant_admin, for the console), one lock resource. Seeded once; an existing demo tenant is left as it is.
 */
export function seedDemo(services: Services, demo: Config['demo']): Promise<DemoSeedResult> {
  return runWithContext({ actor: { type: 'job', id: 'seed-demo' } }, () => seed(services, demo));
}

async function seed(services: Services, demo: Config['demo']): Promise<DemoSeedResult> {
  if (await services.tenants.findBySlug(demo.tenant)) return { created: false, tenantSlug: demo.tenant };
  const tenant = await services.tenants.create({
    slug: demo.tenant,
    name: 'Demo Workspace',
    settings: { resources: [{ indicator: demo.resource, scopes: ['locks:open'], accessTokenTtl: 600 }] },
  });
  await services.clients.create(
    tenant._id,
    {
      client_id: demo.clientId,
      client_name: 'Demo App',
      redirect_uris: [demo.redirectUri],
      post_logout_redirect_uris: [demo.postLogoutRedirectUri],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid offline_access profile email roles doors',
    },
    demo.clientSecret,
  );
  const user = await services.users.create(tenant, {
    email: demo.userEmail,
    password: demo.userPassword,
    name: 'Alice Andersen',
    givenName: 'Alice',
    familyName: 'Andersen',
    locale: 'en',
    roles: ['employee', 'team_lead'],
    emailVerified: true,
  });
  await services.users.create(tenant, {
    email: demo.adminEmail,
    password: demo.adminPassword,
    name: 'Ada Admin',
    givenName: 'Ada',
    familyName: 'Admin',
    locale: 'en',
    roles: ['tenant_admin'],
    emailVerified: true,
  });
  const mainEntrance = await services.doors.create(tenant._id, { key: 'main-entrance', name: 'Main entrance' });
  const serverRoom = await services.doors.create(tenant._id, { key: 'server-room', name: 'Server room' });
  const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
  await services.doorPermissions.grant(tenant._id, { doorId: mainEntrance._id, holderType: 'user', holderId: user.id });
  await services.doorPermissions.grant(tenant._id, {
    doorId: serverRoom._id,
    holderType: 'user',
    holderId: user.id,
    validFrom: today,
    validUntil: new Date(today.getTime() + 30 * 24 * 3600 * 1000),
  });
  return { created: true, tenantSlug: demo.tenant };
}
