import { decodeJwt } from 'jose';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { type TestIdp } from '../support/test-idp.js';

interface Entry {
  seq: number;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  fields: string[];
  request_id?: string;
}

/**
 * Every personal-data change the admin API offers, made one after another on one person (and one
 * invitation): each writes exactly one change-log entry, naming the caller who made it, the action, the
 * subject, the changed fields and the request it came with. A request that changes nothing writes none.
 */
describe('admin API: one change-log entry per personal-data change', () => {
  let idp: TestIdp;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let a: AdminWorld['a'];
  let userId = '';
  let invitationId = '';
  let permissionId = '';

  const actorOf = (who: 'adminA' | 'managerA') => `service:${decodeJwt(tokens[who]!).sub}@tenant-a`;
  const newest = async (): Promise<Entry[]> => (await call('GET', '/tenants/tenant-a/change-log?limit=200', tokens.auditorA)).body.items;
  const after = async (seq: number) => (await newest()).filter((e) => e.seq > seq);
  const tail = async () => (await newest())[0]?.seq ?? 0;

  type Step = {
    who: 'adminA' | 'managerA';
    request: () => [method: string, path: string, body?: unknown];
    entry: { action: string; subject: () => string; subject_type?: string; fields?: string[] };
    keep?: (body: any) => void;
  };
  const user = (suffix = '') => `/tenants/tenant-a/users/${userId}${suffix}`;
  const steps: [string, Step][] = [
    ['create', { who: 'managerA', request: () => ['POST', '/tenants/tenant-a/users', { email: 'pat@tenant-a.test', name: 'Pat', roles: ['employee'] }], keep: (b) => (userId = b.id), entry: { action: 'user.created', subject: () => userId } }],
    ['update name', { who: 'adminA', request: () => ['PATCH', user(), { name: 'Patricia' }], entry: { action: 'user.updated', subject: () => userId, fields: ['name'] } }],
    ['update email', { who: 'managerA', request: () => ['PATCH', user(), { email: 'patricia@tenant-a.test' }], entry: { action: 'user.updated', subject: () => userId, fields: ['email', 'emailVerified'] } }],
    ['update locale', { who: 'managerA', request: () => ['PATCH', user(), { locale: 'de' }], entry: { action: 'user.updated', subject: () => userId, fields: ['locale'] } }],
    ['update roles', { who: 'adminA', request: () => ['PATCH', user(), { roles: ['employee', 'visitor'] }], entry: { action: 'user.updated', subject: () => userId, fields: ['roles'] } }],
    ['update several at once', { who: 'adminA', request: () => ['PATCH', user(), { given_name: 'Pat', family_name: 'Lee', phone: '+45 11 22 33 44' }], entry: { action: 'user.updated', subject: () => userId, fields: ['familyName', 'givenName', 'phone'] } }],
    ['lock', { who: 'managerA', request: () => ['POST', user('/lock')], entry: { action: 'user.locked', subject: () => userId, fields: ['status'] } }],
    ['unlock', { who: 'adminA', request: () => ['POST', user('/unlock')], entry: { action: 'user.unlocked', subject: () => userId, fields: ['status'] } }],
    ['temporary password', { who: 'managerA', request: () => ['POST', user('/temporary-password'), { password: 'Quiet-Lantern-Harbour-41' }], entry: { action: 'user.temporary_password_set', subject: () => userId, fields: ['mustChangePassword', 'passwordHash'] } }],
    ['grant a door', { who: 'managerA', request: () => ['POST', '/tenants/tenant-a/door-permissions', { door: 'main-entrance', holder: { type: 'user', id: userId } }], keep: (b) => (permissionId = b.id), entry: { action: 'door_permission.granted', subject: () => userId, fields: ['door_permissions'] } }],
    ['revoke the door', { who: 'adminA', request: () => ['DELETE', `/tenants/tenant-a/door-permissions/${permissionId}`], entry: { action: 'door_permission.revoked', subject: () => userId, fields: ['door_permissions'] } }],
    ['end sessions', { who: 'managerA', request: () => ['POST', user('/sessions/revoke')], entry: { action: 'user.sessions_ended', subject: () => userId, fields: ['sessions'] } }],
    ['export', { who: 'managerA', request: () => ['GET', user('/export')], entry: { action: 'user.exported', subject: () => userId } }],
    ['restrict', { who: 'adminA', request: () => ['POST', user('/restrict')], entry: { action: 'user.restricted', subject: () => userId, fields: ['status'] } }],
    ['unrestrict', { who: 'managerA', request: () => ['POST', user('/unrestrict')], entry: { action: 'user.unrestricted', subject: () => userId, fields: ['status'] } }],
    ['delete', { who: 'adminA', request: () => ['DELETE', user()], entry: { action: 'user.deleted', subject: () => userId } }],
    ['invite', { who: 'managerA', request: () => ['POST', '/tenants/tenant-a/invitations', { email: 'quinn@tenant-a.test', name: 'Quinn', roles: ['visitor'] }], keep: (b) => (invitationId = b.id), entry: { action: 'invitation.created', subject: () => invitationId, subject_type: 'invitation' } }],
    ['resend the invitation', { who: 'adminA', request: () => ['POST', `/tenants/tenant-a/invitations/${invitationId}/resend`], entry: { action: 'invitation.resent', subject: () => invitationId, subject_type: 'invitation' } }],
    ['revoke the invitation', { who: 'managerA', request: () => ['POST', `/tenants/tenant-a/invitations/${invitationId}/revoke`], entry: { action: 'invitation.revoked', subject: () => invitationId, subject_type: 'invitation', fields: ['state'] } }],
  ];

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  it.each(steps)('%s: exactly one entry, by the caller, about the subject, from the request', async (_name, step) => {
    const before = await tail();
    const [method, path, body] = step.request();
    const res = await call(method, path, tokens[step.who], body);
    expect(res.status).toBeLessThan(300);
    step.keep?.(res.body);
    const written = await after(before);
    expect(written).toHaveLength(1);
    const [entry] = written;
    expect(entry).toMatchObject({
      actor: actorOf(step.who),
      action: step.entry.action,
      subject_type: step.entry.subject_type ?? 'user',
      subject_id: step.entry.subject(),
      request_id: res.headers.get('x-request-id'),
    });
    if (step.entry.fields) expect([...entry!.fields].sort()).toEqual(step.entry.fields);
    expect(entry!.fields.length).toBeGreaterThan(0);
  });

  it("records no entry for the system's note of a person's activity (lastActiveAt), by decision", async () => {
    const id = (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'busy@tenant-a.test' })).body.id;
    const before = await tail();
    await idp.services.users.touchLastActive(a.tenant._id, id);
    expect((await call('GET', `/tenants/tenant-a/users/${id}`, tokens.adminA)).body.last_active_at).not.toBeNull();
    expect(await after(before)).toEqual([]);
  });

  it('writes no entry for a request that changes nothing, nor for one that is refused', async () => {
    const id = (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'same@tenant-a.test', name: 'Same' })).body.id;
    const before = await tail();
    expect((await call('PATCH', `/tenants/tenant-a/users/${id}`, tokens.adminA, { name: 'Same' })).status).toBe(200);
    expect((await call('POST', `/tenants/tenant-a/users/${id}/unlock`, tokens.adminA)).status).toBe(409);
    expect((await call('PATCH', `/tenants/tenant-a/users/${id}`, tokens.managerA, { roles: ['auditor'] })).status).toBe(403);
    expect(await after(before)).toEqual([]);
  });
});
