import { runWithContext } from '../../src/audit/request-context.js';
import type { Services } from '../../src/services.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import type { User } from '../../src/users/user.service.js';

export const PASSWORD = 'Correct-Horse-Battery-9';
export const REDIRECT_URI = 'http://localhost:8080/callback';
export const POST_LOGOUT_URI = 'http://localhost:8080/';
export const RESOURCE = 'urn:test:locks';

export interface TenantFixture {
  tenant: TenantDoc;
  clientId: string;
  clientSecret: string;
  user: User;
}

/** A tenant as an operator would set one up: a confidential client, a lock resource, a user with doors. */
export function createTenantFixture(services: Services, slug: string): Promise<TenantFixture> {
  return asSetup(() => setUpTenant(services, slug));
}

/** Setup done by the test itself, recorded in change logs under one named identity like any job. */
export function asSetup<T>(fn: () => Promise<T>): Promise<T> {
  return runWithContext({ actor: { type: 'job', id: 'test-setup' } }, fn);
}

async function setUpTenant(services: Services, slug: string): Promise<TenantFixture> {
  const tenant = await services.tenants.create({
    slug,
    name: `Tenant ${slug}`,
    settings: { resources: [{ indicator: RESOURCE, scopes: ['locks:open'], accessTokenTtl: 300 }] },
  });
  const { clientId, clientSecret } = await registerApp(services, tenant);
  const user = await services.users.create(tenant, {
    email: `alice@${slug}.test`,
    password: PASSWORD,
    name: 'Alice Andersen',
    givenName: 'Alice',
    familyName: 'Andersen',
    locale: 'da',
    roles: ['employee', 'team_lead'],
    emailVerified: true,
  });
  const door = await services.doors.create(tenant._id, { key: 'main-entrance', name: 'Main entrance' });
  const lab = await services.doors.create(tenant._id, { key: 'lab', name: 'Lab' });
  await services.doorPermissions.grant(tenant._id, { doorId: door._id, holderType: 'user', holderId: user.id });
  await services.roles.create(tenant._id, { name: 'team_lead' });
  await services.doorPermissions.grant(tenant._id, { doorId: lab._id, holderType: 'role', holderId: 'team_lead' });
  return { tenant, clientId, clientSecret: clientSecret!, user };
}

/** The tenant's confidential app, redirecting to REDIRECT_URI: what people of the tenant sign in to in specs. */
export function registerApp(services: Services, tenant: TenantDoc): Promise<{ clientId: string; clientSecret?: string }> {
  return services.clients.create(tenant._id, {
    client_id: `${tenant.slug}-app`,
    client_name: `${tenant.slug} app`,
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: [POST_LOGOUT_URI],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid offline_access profile email roles doors',
  });
}
