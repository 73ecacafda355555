import { exportJWK, generateKeyPair } from 'jose';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Access, RouteSpec, TenantRole } from '../../src/admin-api/route-spec.js';
import type { TenantExport } from '../../src/privacy/termination-export.js';
import { adminRoutes } from '../../src/admin-api/routes/index.js';
import { type AdminCall, type AdminWorld, type Caller, setUpAdminWorld } from '../support/admin.js';
import { resourceId } from '../../src/tenants/resource-server.service.js';
import { asSetup, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';

const CALLERS: readonly Caller[] = ['operator', 'adminA', 'adminB', 'managerA', 'auditorA', 'anonymous'];
const ROLE_OF: Partial<Record<Caller, TenantRole>> = { adminA: 'tenant_admin', managerA: 'user_manager', auditorA: 'auditor' };

type Expected = 'allowed' | 401 | 403 | 404;

/** A 1×1 PNG. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/**
 * What a caller must get, read from nothing but the route's declared access, so a route added tomorrow is
 * walked with the same rules: every request names tenant A, whose callers pass by role; tenant B's admin must
 * not learn that A exists (404); operators pass only where the route admits them.
 */
function expectedFor(access: Access, caller: Caller): Expected {
  if (caller === 'anonymous') return 401;
  if (access.scope === 'platform') return caller === 'operator' ? 'allowed' : 403;
  if (caller === 'operator') return access.operator ? 'allowed' : 403;
  if (caller === 'adminB') return 404;
  return access.roles.includes(ROLE_OF[caller]!) ? 'allowed' : 403;
}

/** Past authorization: whatever the route then answers (a 409 for a state it refuses is fine), never a refusal or a crash. */
const outcome = (status: number): Expected | number => (status === 401 || status === 403 || status === 404 || status >= 500 ? status : 'allowed');

/** A lock's public key (EC P-256), as a lock registers it. */
const LOCK_KEY = { kty: 'EC', crv: 'P-256', x: 'YLJTWY2a63yunmfVMWLQ8hLQl4eqavYxdwhM8f5pRyk', y: 'GWs2Imz65Zx0yLpBOeHADMfL4vonLoKhhgz2Yr5tpic' };

describe('admin API: the authorization matrix of every route', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let routes: RouteSpec[];
  const shared: Record<string, string> = {};
  let n = 0;
  const next = () => `${Date.now().toString(36)}${++n}`;

  /** A value for each path parameter: a fresh resource of tenant A when the request may change or remove it. */
  const fixtures: Record<string, (fresh: boolean) => Promise<string>> = {
    userId: async (fresh) => (shared.userId = fresh ? (await idp.services.users.create(a.tenant, { email: `fixture-${next()}@tenant-a.test` })).id : a.user.id),
    // A phone of the user the same path names (filled in just before).
    deviceId: async () => {
      const jwk = await exportJWK((await generateKeyPair('ES256')).publicKey);
      return (await idp.services.devices.register(a.tenant._id, shared.userId ?? a.user.id, { label: 'A phone', jwk: { ...jwk } }))._id;
    },
    invitationId: async (fresh) =>
      fresh ? (await idp.services.invitations.create(a.tenant, { email: `invitee-${next()}@tenant-a.test`, roles: [], doors: [] })).id : shared.invitationId!,
    doorKey: async (fresh) => (fresh ? (await idp.services.doors.create(a.tenant._id, { key: `door-${next()}`, name: 'A door' })).key : 'main-entrance'),
    role: async (fresh) => (fresh ? (await idp.services.roles.create(a.tenant._id, { name: `role_${next()}` })).name : 'team_lead'),
    clientId: async (fresh) => (fresh ? (await idp.services.clients.create(a.tenant._id, serviceAccount())).clientId : a.clientId),
    permissionId: async (fresh) => (fresh ? (await grantMainEntrance())._id : shared.permissionId!),
    // A terminated tenant's export waiting for its handover, as a termination leaves one beside the backups.
    export: async () => {
      const file = join(idp.config.backupDir, `matrix-${next()}.idparch`);
      await writeFile(file, 'an archive');
      const manifest = { sha256: '0'.repeat(64), bytes: 10 } as TenantExport['manifest'];
      return (await idp.services.exportHandover!.register({ id: 'ten_matrixterminated', slug: 'gone' }, { file, key: '', manifest })).id;
    },
    lockId: async (fresh) => (fresh || !shared.lockId ? (shared.lockId = (await idp.services.locks.create(a.tenant._id, { name: 'A lock', doors: ['main-entrance'], jwk: LOCK_KEY }))._id) : shared.lockId),
    // A public address literal: valid without local mode, and nothing is ever sent to it here.
    webhookId: async () => (await idp.services.webhooks.create(a.tenant._id, { url: 'https://93.184.215.14/hooks', eventTypes: ['user.locked'] })).subscription._id,
    idpId: async () => (await idp.services.upstreamIdps.create(a.tenant._id, { name: 'Corp', issuer: 'https://login.example.com', clientId: 'doorway', clientSecret: 'upstream-secret' }))._id,
    resourceId: async (fresh) => {
      const identifier = fresh ? `urn:test:matrix-${next()}` : RESOURCE;
      if (fresh) await idp.services.resourceServers.create(a.tenant._id, { indicator: identifier, name: 'A lock API', scopes: [], accessTokenTtl: 300, claims: [] });
      return resourceId(identifier);
    },
  };
  const serviceAccount = () => ({ redirect_uris: [], grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'client_secret_basic' as const });
  const grantMainEntrance = async () => {
    const door = await idp.services.doors.getByKey(a.tenant._id, 'main-entrance');
    return idp.services.doorPermissions.grant(a.tenant._id, { doorId: door._id, holderType: 'user', holderId: a.user.id });
  };

  /** A valid body per operation; a route with a body and no sample here fails, as does a sample its schema refuses. */
  const bodies: Record<string, () => unknown> = {
    createTenant: () => ({ slug: `matrix-${next()}`, name: 'Matrix' }),
    inviteReplacementAdmin: () => ({ email: `rescuer-${next()}@tenant.test` }),
    updateTenant: () => ({ name: 'Tenant tenant-a' }),
    updateTenantSettings: () => ({ max_failed_logins: 5 }),
    putTenantLogo: () => ({ content_type: 'image/png', data: PIXEL_PNG }),
    createUser: () => ({ email: `created-${next()}@tenant-a.test` }),
    updateUser: () => ({ name: 'Renamed Person' }),
    setTemporaryPassword: () => ({ password: 'Quiet-Lantern-Harbour-41' }),
    createInvitation: () => ({ email: `invited-${next()}@tenant-a.test` }),
    createRole: () => ({ name: `created_${next()}` }),
    updateRole: () => ({ description: 'A role' }),
    createDoor: () => ({ key: `created-${next()}`, name: 'A door' }),
    renameDoor: () => ({ name: 'Renamed door' }),
    grantDoorPermission: () => ({ door: 'main-entrance', holder: { type: 'user', id: a.user.id } }),
    createClient: () => ({ grant_types: ['client_credentials'] }),
    confirmTerminationExportHandover: () => ({ sha256: 'f'.repeat(64) }),
    updateClient: () => ({ client_name: 'Renamed client' }),
    createResourceServer: () => ({ identifier: `https://locks-${next()}.tenant-a.test/api`, name: 'Lock API', scopes: ['locks:open'] }),
    updateResourceServer: () => ({ access_token_ttl: 900 }),
    createLock: () => ({ name: 'A lock', doors: ['main-entrance'], jwk: LOCK_KEY }),
    updateLock: () => ({ name: 'Renamed lock' }),
    createUpstreamIdp: () => ({ name: 'Corp', issuer: 'https://login.example.com', client_id: 'doorway', client_secret: 'upstream-secret' }),
    updateUpstreamIdp: () => ({ jit_create: true }),
    createWebhook: () => ({ url: 'https://93.184.215.14/hooks', event_types: ['user.locked'] }),
  };

  /**
   * The request `caller` makes of `route`. Mutations get fresh resources, so no request depends on another's
   * order; a tenant's lifecycle (suspend, terminate) runs on a tenant of its own when the caller may run it.
   */
  async function requestFor(route: RouteSpec, caller: Caller): Promise<{ path: string; body?: unknown }> {
    const mutates = route.method !== 'get';
    let path = route.path;
    for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
      let value: string;
      if (name === 'tenant') {
        const ownTenant = mutates && route.access.scope === 'platform' && expectedFor(route.access, caller) === 'allowed';
        value = ownTenant ? (await asSetup(() => idp.services.tenants.create({ slug: `life-${next()}`, name: 'Lifecycle' }))).slug : 'tenant-a';
      } else {
        const make = fixtures[name!];
        if (!make) throw new Error(`No fixture for the path parameter {${name}} of ${route.operationId}: add one above`);
        value = await asSetup(() => make(mutates));
      }
      path = path.replace(`{${name}}`, encodeURIComponent(value));
    }
    if (!route.body) return { path };
    const body = bodies[route.operationId];
    if (!body) throw new Error(`No sample body for ${route.operationId}: add one above`);
    return { path, body: body() };
  }

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
    // The list the API and its OpenAPI document are built from (src/app.ts passes the same to adminApiRouter).
    routes = adminRoutes(idp.services, idp.config);
    await asSetup(async () => {
      shared.invitationId = (await idp.services.invitations.create(a.tenant, { email: 'shared-invitee@tenant-a.test', roles: [], doors: [] })).id;
      shared.permissionId = (await grantMainEntrance())._id;
    });
  });
  afterAll(() => idp.close());

  it('walks a non-trivial list in which each caller with a role is allowed somewhere', () => {
    expect(routes.length).toBeGreaterThan(50);
    for (const caller of ['operator', 'adminA', 'managerA', 'auditorA'] as const) {
      expect([caller, routes.some((r) => expectedFor(r.access, caller) === 'allowed')]).toEqual([caller, true]);
    }
  });

  it('has a sample body, valid for its schema, for every route that takes one', () => {
    for (const route of routes.filter((r) => r.body)) {
      const sample = bodies[route.operationId];
      expect([route.operationId, typeof sample]).toEqual([route.operationId, 'function']);
      expect([route.operationId, route.body!.safeParse(sample!()).success]).toEqual([route.operationId, true]);
    }
  });

  // One test per caller: its answer for every route is compared at once, so a failure lists each wrong route.
  it.each(CALLERS.map((c) => [c]))('answers %s on every route as the route declares', async (caller) => {
    const got: [string, Expected | number][] = [];
    const want: [string, Expected][] = [];
    for (const route of routes) {
      const { path, body } = await requestFor(route, caller);
      const res = await call(route.method.toUpperCase(), path, tokens[caller], body);
      const label = `${route.method.toUpperCase()} ${route.path}`;
      got.push([label, outcome(res.status)]);
      want.push([label, expectedFor(route.access, caller)]);
      if (res.status >= 400) expect([label, res.headers.get('content-type')]).toEqual([label, expect.stringMatching(/^application\/problem\+json/)]);
    }
    expect(got).toEqual(want);
  }, 120_000);
});
