import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { type TestIdp } from '../support/test-idp.js';
import { accessCall, SimulatedLock } from './simulated-lock.js';

const DAY = 24 * 3600 * 1000;

describe('access decisions', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let issuerA: string;
  let token: string;
  const now = Date.now();
  const day = (offset: number) => new Date(now + offset * DAY).toISOString();

  const decide = (door: string, subject: Record<string, string>, time?: string, as = token) => accessCall(issuerA, '/decisions', as, { door, subject, ...(time ? { time } : {}) });
  const newUser = async (name: string) => (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: `${name}@tenant-a.test`, name })).body.id as string;
  const grant = async (userId: string, door: string, window: Record<string, string> = {}) => {
    const res = await call('POST', '/tenants/tenant-a/door-permissions', tokens.adminA, { door, holder: { type: 'user', id: userId }, ...window });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  /** The user's JWT access token for the tenant's lock resource, as a lock app obtains it (RFC 8707). */
  const userToken = async (fixture: TenantFixture) => {
    const config = await discoverClient(idp.baseUrl, fixture);
    const { tokens: signedIn } = await signIn(config, { email: fixture.user.email!, resource: RESOURCE, scope: 'openid doors offline_access locks:open' });
    return (await client.refreshTokenGrant(config, signedIn.refresh_token!, { resource: RESOURCE })).access_token;
  };

  beforeAll(async () => {
    ({ idp, a, b, call, tokens } = await setUpAdminWorld());
    issuerA = `${idp.baseUrl}/t/tenant-a`;
    for (const key of ['vault', 'store-room', 'old-wing', 'side-door']) await call('POST', '/tenants/tenant-a/doors', tokens.adminA, { key, name: key });
    await call('POST', '/tenants/tenant-b/doors', tokens.adminB, { key: 'b-only', name: 'Only in B' });
    const lock = await SimulatedLock.create();
    const doors = ['main-entrance', 'lab', 'vault', 'store-room', 'old-wing'];
    const registered = await call('POST', '/tenants/tenant-a/locks', tokens.adminA, { name: 'Building lock', doors, jwk: lock.publicJwk });
    lock.clientId = registered.body.client_id;
    token = await lock.token(issuerA);
  });
  afterAll(() => idp.close());

  describe('every answer', () => {
    it("grants Alice the main entrance by her own permission and the lab through her role, open-ended", async () => {
      const own = await decide('main-entrance', { user_id: a.user.id });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ decision: 'granted', reason: null, door: 'main-entrance', subject: a.user.id, valid_until: null, permission: { via_role: null } });
      const viaRole = await decide('lab', { user_id: a.user.id });
      expect(viaRole.body).toMatchObject({ decision: 'granted', reason: null, permission: { via_role: 'team_lead' } });
    });

    it('reads the subject from an access token this tenant issued to the user, and refuses any other token', async () => {
      const granted = await decide('main-entrance', { access_token: await userToken(a) });
      expect(granted.body).toMatchObject({ decision: 'granted', subject: a.user.id });

      for (const subject of [{ access_token: await userToken(b) }, { access_token: 'not-a-token' }, { access_token: token }]) {
        const refused = await decide('main-entrance', subject);
        expect(refused.status).toBe(400);
        expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
      }
    });

    it('denies with no_permission a user without a grant, and an id that is no user of the tenant', async () => {
      expect((await decide('vault', { user_id: a.user.id })).body).toMatchObject({ decision: 'denied', reason: 'no_permission', valid_until: null, permission: null });
      expect((await decide('vault', { user_id: 'usr_doesnotexist000000' })).body).toMatchObject({ decision: 'denied', reason: 'no_permission', subject: null });
    });

    it('denies outside the window and grants inside it, answering until when', async () => {
      const bob = await newUser('bob');
      const id = await grant(bob, 'vault', { valid_from: day(1), valid_until: day(2) });
      expect((await decide('vault', { user_id: bob })).body).toMatchObject({ decision: 'denied', reason: 'outside_window' });
      const inside = await decide('vault', { user_id: bob }, day(1.5));
      expect(inside.body).toMatchObject({ decision: 'granted', valid_until: day(2), permission: { id, via_role: null } });
      expect((await decide('vault', { user_id: bob }, day(3))).body).toMatchObject({ decision: 'denied', reason: 'outside_window' });
    });

    it('denies a locked user with locked and a restricted one with restricted, without tying the latter to the attempt', async () => {
      const locked = await newUser('lou');
      await grant(locked, 'main-entrance');
      expect((await call('POST', `/tenants/tenant-a/users/${locked}/lock`, tokens.adminA)).status).toBe(200);
      expect((await decide('main-entrance', { user_id: locked })).body).toMatchObject({ decision: 'denied', reason: 'locked', subject: locked });

      const restricted = await newUser('rita');
      await grant(restricted, 'main-entrance');
      expect((await call('POST', `/tenants/tenant-a/users/${restricted}/restrict`, tokens.adminA)).status).toBe(200);
      expect((await decide('main-entrance', { user_id: restricted })).body).toMatchObject({ decision: 'denied', reason: 'restricted', subject: null });
    });

    it('denies an archived door from its archiving on, and still answers for the time before', async () => {
      const olga = await newUser('olga');
      await grant(olga, 'old-wing', { valid_from: day(-10) });
      expect((await call('POST', '/tenants/tenant-a/doors/old-wing/archive', tokens.adminA)).status).toBe(200);
      expect((await decide('old-wing', { user_id: olga })).body).toMatchObject({ decision: 'denied', reason: 'door_archived' });
      expect((await decide('old-wing', { user_id: olga }, day(-5))).body).toMatchObject({ decision: 'granted' });
    });

    it('refuses a door the lock does not serve, and an unknown door, alike with 403', async () => {
      for (const door of ['side-door', 'no-such-door', 'b-only']) {
        const res = await decide(door, { user_id: a.user.id });
        expect(res.status).toBe(403);
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
        expect(res.body.detail).toBe('This lock does not serve that door');
      }
    });

    it('records each decision as an access event, logged as a change about the user', async () => {
      const eve = await newUser('eve');
      await decide('lab', { user_id: eve });
      const events = await idp.db.models.accessEvents.find({ tenantId: a.tenant._id, subjectId: eve }).lean();
      expect(events).toEqual([expect.objectContaining({ result: 'denied', reason: 'no_permission', method: 'decision' })]);
      const log = (await call('GET', `/tenants/tenant-a/change-log?subject=${eve}`, tokens.auditorA)).body.items;
      expect(log.map((e: { action: string }) => e.action)).toContain('access_event.recorded');
    });

    it("puts a user's access events in their export, and erasing the user erases them", async () => {
      const fay = await newUser('fay');
      await grant(fay, 'lab');
      await decide('lab', { user_id: fay });
      const exported = await call('GET', `/tenants/tenant-a/users/${fay}/export`, tokens.adminA);
      expect(exported.body.access_events).toEqual([expect.objectContaining({ door: 'lab', result: 'granted', reason: null, method: 'decision' })]);
      expect((await call('DELETE', `/tenants/tenant-a/users/${fay}`, tokens.adminA)).status).toBe(204);
      expect(await idp.db.models.accessEvents.countDocuments({ tenantId: a.tenant._id, subjectId: fay })).toBe(0);
    });

    it('grants through a role only at times its holder held it, and counts only the roles granted the door', async () => {
      const res = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'tia@tenant-a.test', name: 'tia', roles: ['team_lead', 'employee'] });
      const tia = res.body.id as string;
      await new Promise((r) => setTimeout(r, 20));
      const whileHeld = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 20));
      expect((await call('PATCH', `/tenants/tenant-a/users/${tia}`, tokens.adminA, { roles: ['employee'] })).status).toBe(200);
      expect((await decide('lab', { user_id: tia })).body).toMatchObject({ decision: 'denied', reason: 'no_permission', subject: tia });
      expect((await decide('lab', { user_id: tia }, whileHeld)).body).toMatchObject({ decision: 'granted', permission: { via_role: 'team_lead' } });
      // The role she still holds has no grant on the lab: it opens nothing there, at any time.
      expect((await decide('vault', { user_id: tia }, whileHeld)).body).toMatchObject({ decision: 'denied', reason: 'no_permission' });
    });

    it('answers bad requests with problems, never a 500', async () => {
      for (const body of [{}, { door: 'lab' }, { door: 'lab', subject: {} }, { door: 'lab', subject: { user_id: 'x' }, time: 'soon' }, { door: 'lab', subject: { user_id: 'x', access_token: 'y' } }, '{', []]) {
        const res = await accessCall(issuerA, '/decisions', token, body);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      }
    });
  });

  describe('isolation', () => {
    it("refuses tenant A's lock token at tenant B, and tells it nothing of B's users", async () => {
      const atB = await accessCall(`${idp.baseUrl}/t/tenant-b`, '/decisions', token, { door: 'b-only', subject: { user_id: b.user.id } });
      expect(atB.status).toBe(401);
      const foreignUser = await decide('main-entrance', { user_id: b.user.id });
      expect(foreignUser.body).toMatchObject({ decision: 'denied', reason: 'no_permission', subject: null });
    });
  });

  describe('one rule for decisions, claims and history', () => {
    /** The three answers for one user, door and time: the decision, the door_permissions claims, the history. */
    const answers = async (userId: string, door: string, at: string) => {
      const decision = (await decide(door, { user_id: userId }, at)).body.decision === 'granted';
      const claims = await idp.services.doorPermissions.claimsFor(a.tenant._id, { id: userId }, new Date(at));
      const history = await call('GET', `/tenants/tenant-a/users/${userId}/door-permissions?at=${encodeURIComponent(at)}`, tokens.adminA);
      return { decision, claims: claims.some((c) => c.door_id === door), history: history.body.items.some((p: { door: string }) => p.door === door) };
    };

    it('agrees before a grant without valid_from was made: it did not open the door then (the claims used to say it did)', async () => {
      const pat = await newUser('pat');
      await grant(pat, 'vault');
      expect(await answers(pat, 'vault', day(-1))).toEqual({ decision: false, claims: false, history: false });
      expect(await answers(pat, 'vault', day(0.01))).toEqual({ decision: true, claims: true, history: true });
    });

    it('agrees before a revocation: the grant opened the door then (the claims used to say it did not)', async () => {
      const quinn = await newUser('quinn');
      const id = await grant(quinn, 'store-room', { valid_from: day(-10) });
      expect((await call('DELETE', `/tenants/tenant-a/door-permissions/${id}`, tokens.adminA)).status).toBe(200);
      expect(await answers(quinn, 'store-room', day(-5))).toEqual({ decision: true, claims: true, history: true });
      expect(await answers(quinn, 'store-room', day(0.01))).toEqual({ decision: false, claims: false, history: false });
    });

    it("agrees with the door_permissions of the user's token now", async () => {
      const inToken = (decodeJwt(await userToken(a)).door_permissions as { door_id: string }[]).map((p) => p.door_id).sort();
      expect(inToken).toEqual(['lab', 'main-entrance']);
      for (const door of ['main-entrance', 'lab', 'vault', 'store-room']) {
        expect((await decide(door, { user_id: a.user.id })).body.decision === 'granted').toBe(inToken.includes(door));
      }
    });
  });

  describe('a suspended tenant', () => {
    it('denies with tenant_suspended while the tenant is suspended', async () => {
      expect((await call('POST', '/tenants/tenant-a/suspend', tokens.operator)).status).toBe(200);
      // The tenant's state reaches every process within its refresh interval: ask until it has.
      let answer: { status: number; body: any } = { status: 0, body: undefined };
      for (let i = 0; i < 50 && answer.body?.reason !== 'tenant_suspended'; i++) {
        answer = await decide('main-entrance', { user_id: a.user.id });
        if (answer.body?.reason !== 'tenant_suspended') await new Promise((r) => setTimeout(r, 100));
      }
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ decision: 'denied', reason: 'tenant_suspended' });
    });
  });
});
