import { STATUS_HISTORY_SIZE } from '../../src/access/lock-status.model.js';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { type TestIdp } from '../support/test-idp.js';
import { accessCall, SimulatedLock } from './simulated-lock.js';

describe('locks', () => {
  let idp: TestIdp;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let issuerA: string;
  let issuerB: string;

  /** Registers a simulated lock at tenant A serving `doors`, as a tenant admin does. */
  const register = async (doors: string[] = ['main-entrance'], name = 'Front door lock') => {
    const lock = await SimulatedLock.create();
    const res = await call('POST', '/tenants/tenant-a/locks', tokens.adminA, { name, doors, model: 'DL-100', firmware_version: '1.0.0', jwk: lock.publicJwk });
    expect(res.status).toBe(201);
    lock.clientId = res.body.client_id;
    return { lock, view: res.body };
  };

  beforeAll(async () => {
    ({ idp, call, tokens } = await setUpAdminWorld());
    issuerA = `${idp.baseUrl}/t/tenant-a`;
    issuerB = `${idp.baseUrl}/t/tenant-b`;
  });
  afterAll(() => idp.close());

  it('registers a lock whose client authenticates with its own key (private_key_jwt) and gets an access token', async () => {
    const { lock, view } = await register(['main-entrance', 'lab']);
    expect(view).toMatchObject({ name: 'Front door lock', doors: ['main-entrance', 'lab'], model: 'DL-100', firmware_version: '1.0.0', status: null, retired_at: null });
    expect(view.client_id).toEqual(expect.any(String));
    const issued = await lock.tokenResponse(issuerA);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'Bearer', scope: 'access:decide access:status' });
    // The registration holds the public key only.
    const client = await call('GET', `/tenants/tenant-a/clients/${view.client_id}`, tokens.adminA);
    expect(JSON.stringify(client.body)).not.toMatch(/"d":/);
  });

  it('refuses a private key, a key of the wrong kind and a door the tenant does not have, naming the field', async () => {
    const lock = await SimulatedLock.create();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', doors: ['main-entrance'], jwk: { ...lock.publicJwk, d: 'c2VjcmV0' } }, 'jwk'],
      [{ name: 'x', doors: ['main-entrance'], jwk: { kty: 'oct', k: 'c2VjcmV0' } }, 'jwk'],
      [{ name: 'x', doors: ['main-entrance'], jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } }, 'jwk'],
      [{ name: 'x', doors: ['no-such-door'], jwk: lock.publicJwk }, 'doors'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/tenants/tenant-a/locks', tokens.adminA, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });

  it('refuses an assertion signed by another key, and one for another tenant', async () => {
    const { lock } = await register();
    const impostor = await SimulatedLock.create();
    impostor.clientId = lock.clientId;
    expect((await impostor.tokenResponse(issuerA)).body.error).toBe('invalid_client');
    // Tenant B has no such client: the lock of tenant A gets nothing there.
    expect((await lock.tokenResponse(issuerB)).body.error).toBe('invalid_client');
  });

  it('keeps the latest status on the lock and a history of the last reports, newest first', async () => {
    const { lock, view } = await register();
    const token = await lock.token(issuerA);
    const first = await accessCall(issuerA, '/status', token, { battery: 80, firmware_version: '1.0.1', error_codes: [], time: '2026-01-01T10:00:00Z' });
    expect(first.status).toBe(201);
    const second = await accessCall(issuerA, '/status', token, { battery: 12, error_codes: ['E_MOTOR', 'E_LOW_BATTERY'] });
    expect(second.status).toBe(201);

    const read = await call('GET', `/tenants/tenant-a/locks/${view.id}`, tokens.managerA);
    expect(read.body).toMatchObject({ firmware_version: '1.0.1', status: { battery: 12, firmware_version: null, error_codes: ['E_MOTOR', 'E_LOW_BATTERY'] } });
    const history = await call('GET', `/tenants/tenant-a/locks/${view.id}/status-history`, tokens.adminA);
    expect(history.status).toBe(200);
    expect(history.body.items.map((r: { battery: number }) => r.battery)).toEqual([12, 80]);
    expect(history.body.items[1].time).toBe('2026-01-01T10:00:00.000Z');
  });

  it(`keeps no more than ${STATUS_HISTORY_SIZE} reports per lock`, async () => {
    const { lock, view } = await register();
    const token = await lock.token(issuerA);
    for (let i = 0; i <= STATUS_HISTORY_SIZE; i++) {
      expect((await accessCall(issuerA, '/status', token, { battery: i % 101 })).status).toBe(201);
    }
    const history = await call('GET', `/tenants/tenant-a/locks/${view.id}/status-history`, tokens.adminA);
    expect(history.body.items).toHaveLength(STATUS_HISTORY_SIZE);
    expect(history.body.items[0].battery).toBe(STATUS_HISTORY_SIZE % 101);
    expect(history.body.items.map((r: { battery: number }) => r.battery)).not.toContain(0);
  });

  it('answers bad status reports and missing or foreign tokens with problems, never a 500', async () => {
    const { lock } = await register();
    const token = await lock.token(issuerA);
    for (const body of [{ battery: 101 }, { battery: 'full' }, { error_codes: ['not a code!'] }, { time: 'yesterday' }, { extra: 1 }, '{not json', []]) {
      const res = await accessCall(issuerA, '/status', token, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await accessCall(issuerA, '/status', undefined, { battery: 50 })).status).toBe(401);
    expect((await accessCall(issuerA, '/status', 'not.a.token', { battery: 50 })).status).toBe(401);
    // Tenant A's lock token is not tenant B's.
    const atB = await accessCall(issuerB, '/status', token, { battery: 50 });
    expect(atB.status).toBe(401);
    expect(atB.headers.get('content-type')).toMatch(/problem\+json/);
    expect(atB.headers.get('www-authenticate')).toMatch(/^Bearer /);
    // A token without the status scope.
    const decideOnly = await lock.token(issuerA, 'access:decide');
    expect((await accessCall(issuerA, '/status', decideOnly, { battery: 50 })).status).toBe(403);
  });

  it('changes the doors a lock serves, and retiring it ends its client and its tokens', async () => {
    const { lock, view } = await register();
    const changed = await call('PATCH', `/tenants/tenant-a/locks/${view.id}`, tokens.adminA, { doors: ['lab'], name: 'Lab lock' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ doors: ['lab'], name: 'Lab lock' });
    const token = await lock.token(issuerA);

    const retired = await call('POST', `/tenants/tenant-a/locks/${view.id}/retire`, tokens.adminA);
    expect(retired.status).toBe(200);
    expect(Date.parse(retired.body.retired_at)).not.toBeNaN();
    expect((await call('POST', `/tenants/tenant-a/locks/${view.id}/retire`, tokens.adminA)).status).toBe(409);
    expect((await call('PATCH', `/tenants/tenant-a/locks/${view.id}`, tokens.adminA, { name: 'again' })).status).toBe(409);
    expect((await lock.tokenResponse(issuerA)).body.error).toBe('invalid_client');
    expect((await accessCall(issuerA, '/status', token, { battery: 50 })).status).toBe(401);
    expect((await call('GET', `/tenants/tenant-a/clients/${view.client_id}`, tokens.adminA)).status).toBe(404);

    const listed = await call('GET', '/tenants/tenant-a/locks', tokens.adminA);
    expect(listed.body.items.map((l: { id: string }) => l.id)).not.toContain(view.id);
    const all = await call('GET', '/tenants/tenant-a/locks?include_retired=true', tokens.adminA);
    expect(all.body.items.map((l: { id: string }) => l.id)).toContain(view.id);
  });

  it("leaves a lock's client to the lock: the clients API neither changes nor deletes it", async () => {
    const { view } = await register();
    expect((await call('DELETE', `/tenants/tenant-a/clients/${view.client_id}`, tokens.adminA)).status).toBe(409);
    expect((await call('POST', `/tenants/tenant-a/clients/${view.client_id}/rotate-secret`, tokens.adminA)).status).toBe(409);
  });

  it("answers for tenant A's locks only to tenant A's admins, and lets user managers read but not write", async () => {
    const { view } = await register();
    expect((await call('GET', `/tenants/tenant-b/locks/${view.id}`, tokens.adminB)).status).toBe(404);
    expect((await call('GET', `/tenants/tenant-a/locks/${view.id}`, tokens.adminB)).status).toBe(404);
    expect((await call('GET', '/tenants/tenant-b/locks', tokens.adminB)).body.items).toEqual([]);
    expect((await call('POST', `/tenants/tenant-b/locks/${view.id}/retire`, tokens.adminB)).status).toBe(404);
    expect((await call('GET', `/tenants/tenant-a/locks/${view.id}`, tokens.managerA)).status).toBe(200);
    expect((await call('PATCH', `/tenants/tenant-a/locks/${view.id}`, tokens.managerA, { name: 'x' })).status).toBe(403);
    expect((await call('GET', `/tenants/tenant-a/locks/${view.id}`, tokens.auditorA)).status).toBe(403);
    expect((await call('GET', `/tenants/tenant-a/locks/${view.id}`, tokens.operator)).status).toBe(403);
  });
});
