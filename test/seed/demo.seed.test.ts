import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { seedDemo } from '../../src/seed/demo.seed.js';
import { adminClient, personToken } from '../support/admin.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

describe('demo seed', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('seeds once and leaves an existing demo tenant alone', async () => {
    expect((await seedDemo(idp.services, idp.config.demo)).created).toBe(true);
    expect((await seedDemo(idp.services, idp.config.demo)).created).toBe(false);
  });

  it('lets the documented demo user sign in to the documented demo client and see their doors', async () => {
    const tenant = (await idp.services.tenants.findBySlug('demo'))!;
    const config = await discoverClient(idp.baseUrl, { tenant, clientId: 'demo-app', clientSecret: 'demo-app-secret' });
    const { tokens } = await signIn(config, { email: 'alice@demo.test', password: 'Correct-Horse-Battery-9' });
    const issuer = `${idp.baseUrl}/t/demo`;
    const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: 'demo-app' });
    expect(payload.roles).toEqual(['employee', 'team_lead']);
    const doors = payload.door_permissions as { door_id: string; valid_from: string | null; valid_until: string | null }[];
    expect(doors.map((d) => d.door_id)).toEqual(['main-entrance', 'server-room']);
    expect(doors[0]).toMatchObject({ valid_from: null, valid_until: null });
    const from = new Date(doors[1]!.valid_from!);
    const until = new Date(doors[1]!.valid_until!);
    expect(from.toISOString().slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
    expect((until.getTime() - from.getTime()) / 86_400_000).toBe(30);

    const machine = await client.clientCredentialsGrant(config, { resource: 'urn:demo:locks' });
    const { payload: at } = await jwtVerify(machine.access_token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: 'urn:demo:locks' });
    expect(at.tenant).toBe('demo');
  });

  it('lets the documented demo admin administer the demo tenant with their own token', async () => {
    const tenant = (await idp.services.tenants.findBySlug('demo'))!;
    const token = await personToken(idp, tenant, 'admin@demo.test', 'Correct-Horse-Battery-9');
    const users = await adminClient(idp)('GET', '/tenants/demo/users?limit=10', token);
    expect(users.status).toBe(200);
    expect(users.body.items.map((u: { email: string; roles: string[] }) => [u.email, u.roles]).sort()).toEqual([
      ['admin@demo.test', ['tenant_admin']],
      ['alice@demo.test', ['employee', 'team_lead']],
    ]);
  });

  it('records the seeded people in the change log under the seed job', async () => {
    const tenant = (await idp.services.tenants.findBySlug('demo'))!;
    const page = await idp.services.changeLog.list(tenant._id, { action: 'user.created' }, { limit: 10 });
    expect(page.items.map((e) => e.actor)).toEqual(['job:seed-demo', 'job:seed-demo']);
  });
});
