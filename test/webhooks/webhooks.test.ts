import { Webhook } from 'standardwebhooks';
import { runWithContext } from '../../src/audit/request-context.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { type AdminCall, type AdminWorld, adminClient, serviceToken, setUpAdminWorld } from '../support/admin.js';
import { connectTestDatabase } from '../support/database.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { authorize, discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { WebhookReceiver, type Received } from './webhook-receiver.js';

/** Local mode (receivers on this machine), with retries quick enough for a spec. */
const LOCAL = {
  WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_MAX_ATTEMPTS: '4',
  WEBHOOK_RETRY_BASE_MS: '20',
  WEBHOOK_RETRY_MAX_MS: '100',
  OUTBOX_POLL_MS: '25',
};

/** The reference library's check: throws unless the signature, id and timestamp headers hold. */
function verified(secret: string, message: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
  const headers = { 'webhook-id': String(message.headers['webhook-id']), 'webhook-timestamp': String(message.headers['webhook-timestamp']), 'webhook-signature': String(message.headers['webhook-signature']) };
  return new Webhook(secret).verify(message.body, headers) as ReturnType<typeof verified>;
}

async function eventually<T>(read: () => Promise<T>, until: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (until(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('webhooks', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld({ env: LOCAL, webhookWorker: true }));
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await idp.close();
    await receiver.stop();
  });

  const subscribe = async (url: string, eventTypes: string[]) => {
    const res = await call('POST', '/tenants/tenant-a/webhooks', tokens.adminA, { url, event_types: eventTypes });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  };
  /** A receiver of the test's own: messages of other tests' subscriptions never reach it. */
  const own: WebhookReceiver[] = [];
  const ownReceiver = async () => {
    const r = await new WebhookReceiver().start();
    own.push(r);
    return r;
  };
  afterEach(async () => {
    for (const r of own.splice(0)) await r.stop();
  });
  const deliveries = (id: string) => call('GET', `/tenants/tenant-a/webhooks/${id}/deliveries`, tokens.adminA).then((r) => r.body.items as Record<string, unknown>[]);

  it.each([
    ['operator', 403],
    ['adminA', 201],
    ['managerA', 403],
    ['auditorA', 403],
    ['adminB', 404],
    ['anonymous', 401],
  ] as [string, number][])('creating a subscription as %s answers %i', async (who, status) => {
    const res = await call('POST', '/tenants/tenant-a/webhooks', tokens[who], { url: receiver.url, event_types: ['user.created'] });
    expect(res.status).toBe(status);
    if (status >= 400) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('shows the secret once, as whsec_<base64>, and never in the list', async () => {
    const created = await subscribe(receiver.url, ['user.locked']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await call('GET', '/tenants/tenant-a/webhooks', tokens.adminA);
    const mine = (listed.body.items as Record<string, unknown>[]).find((s) => s.id === created.id);
    expect(mine).toEqual({ id: created.id, url: receiver.url, event_types: ['user.locked'], include_personal_data: false, created_at: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(created.secret.slice(6));
  });

  it('removes a subscription for its own tenant only, and its history can no longer be read', async () => {
    const receiver = await ownReceiver();
    const { id } = await subscribe(receiver.url, ['user.locked']);
    expect((await call('DELETE', `/tenants/tenant-b/webhooks/${id}`, tokens.adminB)).status).toBe(404);
    expect((await call('DELETE', `/tenants/tenant-a/webhooks/${id}`, tokens.adminA)).status).toBe(204);
    const history = await call('GET', `/tenants/tenant-a/webhooks/${id}/deliveries`, tokens.adminA);
    expect([history.status, history.headers.get('content-type')]).toEqual([404, expect.stringMatching(/problem\+json/)]);
    const listed = await call('GET', '/tenants/tenant-a/webhooks', tokens.adminA);
    expect((listed.body.items as { id: string }[]).map((s) => s.id)).not.toContain(id);
  });

  it('answers bad input with problem+json naming the field', async () => {
    const unknownType = await call('POST', '/tenants/tenant-a/webhooks', tokens.adminA, { url: receiver.url, event_types: ['user.teleported'] });
    const notUrl = await call('POST', '/tenants/tenant-a/webhooks', tokens.adminA, { url: 'not a url', event_types: ['user.created'] });
    for (const res of [unknownType, notUrl]) {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect(JSON.stringify(notUrl.body)).toContain('url');
  });

  it('sends user and door changes, signed as Standard Webhooks, with ids and no names or addresses', async () => {
    const receiver = await ownReceiver();
    const types = ['user.created', 'user.updated', 'user.roles_changed', 'user.restricted', 'user.erased', 'door_permission.granted'];
    const { id, secret } = await subscribe(receiver.url, types);
    const created = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'webhook.person@tenant-a.test', name: 'Wanda Webhook' });
    expect(created.status).toBe(201);
    const userId = created.body.id as string;
    expect((await call('POST', '/tenants/tenant-a/door-permissions', tokens.adminA, { door: 'main-entrance', holder: { type: 'user', id: userId } })).status).toBe(201);
    expect((await call('PATCH', `/tenants/tenant-a/users/${userId}`, tokens.adminA, { roles: ['staff'] })).status).toBe(200);
    expect((await call('POST', `/tenants/tenant-a/users/${userId}/restrict`, tokens.adminA)).status).toBe(200);
    const about = (r: Received) => r.body.includes(userId);
    // Erasure takes the person's waiting events with it: the ones before it are let out first.
    await receiver.waitFor((all) => all.filter(about).length === types.length - 1);
    expect((await call('DELETE', `/tenants/tenant-a/users/${userId}`, tokens.adminA)).status).toBe(204);
    await receiver.waitFor((all) => all.filter(about).length === types.length);
    const events = receiver.received.filter(about).map((r) => verified(secret, r));
    expect(events.map((e) => e.type).sort()).toEqual([...types].sort());
    expect(events.find((e) => e.type === 'user.created')!.data).toMatchObject({ user_id: userId, fields: expect.arrayContaining(['email', 'name']) });
    for (const r of receiver.received.filter(about)) {
      expect(r.body).not.toContain('webhook.person');
      expect(r.body).not.toContain('Wanda');
    }
    // The delivery history keeps no events about an erased person but the one that says they were erased.
    // The receiver has it; the worker marks it sent right after the answer.
    const history = await eventually(() => deliveries(id), (items) => items.every((d) => d.state !== 'sending'));
    expect(history).toMatchObject([{ event_type: 'user.erased', state: 'sent', attempts: 1, last_status: 204 }]);
  });

  it('adds names and addresses only for a subscription that opted in, with a warning, and keeps them sealed at rest', async () => {
    const receiver = await ownReceiver();
    const ids = await subscribe(`${receiver.url}?ids`, ['user.created']);
    const opting = await call('POST', '/tenants/tenant-a/webhooks', tokens.adminA, { url: `${receiver.url}?personal`, event_types: ['user.created', 'user.restricted'], include_personal_data: true });
    expect(opting.status).toBe(201);
    expect(opting.body).toMatchObject({ include_personal_data: true, warnings: [expect.stringMatching(/personal data/)] });
    expect(ids).not.toHaveProperty('warnings');
    const created = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'opted.in@tenant-a.test', name: 'Otto Optin' });
    const userId = created.body.id as string;
    await receiver.waitFor((all) => all.filter((r) => r.body.includes(userId)).length === 2);
    const stored = await idp.db.models.webhookOutbox.find({ tenantId: a.tenant._id, subjectId: userId }).lean();
    expect(stored.map((d) => d.body).join()).not.toContain('opted.in@tenant-a.test');

    const sentTo = (query: string) => receiver.received.find((r) => r.url.endsWith(query) && r.body.includes(userId))!;
    expect(verified(opting.body.secret, sentTo('?personal')).data).toEqual({
      user_id: userId, fields: expect.any(Array), actor_type: 'service', change_log_entry_id: expect.any(String), user: { name: 'Otto Optin', email: 'opted.in@tenant-a.test' },
    });
    const plain = sentTo('?ids');
    expect(verified(ids.secret, plain).data).not.toHaveProperty('user');
    expect(plain.body).not.toContain('opted.in');

    // A restricted person's data is kept, not passed on: from then on their events carry ids only.
    expect((await call('POST', `/tenants/tenant-a/users/${userId}/restrict`, tokens.adminA)).status).toBe(200);
    await receiver.waitFor((all) => all.some((r) => r.body.includes('"user.restricted"') && r.body.includes(userId)));
    const restricted = receiver.received.find((r) => r.body.includes('"user.restricted"') && r.body.includes(userId))!;
    expect(verified(opting.body.secret, restricted).data).not.toHaveProperty('user');
  });

  it('sends grants of a door to a role and their revocation, naming the role, the door and the grant', async () => {
    const receiver = await ownReceiver();
    const { secret } = await subscribe(receiver.url, ['door_permission.granted', 'door_permission.revoked']);
    const granted = await call('POST', '/tenants/tenant-a/door-permissions', tokens.adminA, { door: 'main-entrance', holder: { type: 'role', id: 'team_lead' } });
    expect(granted.status).toBe(201);
    expect((await call('DELETE', `/tenants/tenant-a/door-permissions/${granted.body.id}`, tokens.adminA)).status).toBe(200);
    await receiver.waitFor((all) => all.length === 2);
    const events = receiver.received.map((r) => verified(secret, r));
    const data = { role: 'team_lead', door: 'main-entrance', permission_id: granted.body.id };
    expect(events.map((e) => [e.type, e.data]).sort()).toEqual([['door_permission.granted', data], ['door_permission.revoked', data]]);
  });

  it('refuses a signature made with another secret (the reference check is a real check)', async () => {
    const receiver = await ownReceiver();
    const { secret } = await subscribe(receiver.url, ['user.unlocked']);
    const other = await subscribe(receiver.url, ['user.locked']);
    expect(secret).not.toBe(other.secret);
    expect((await call('POST', `/tenants/tenant-a/users/${a.user.id}/lock`, tokens.adminA)).status).toBe(200);
    await receiver.waitFor((all) => all.some((r) => r.body.includes('"user.locked"') && r.body.includes(a.user.id)));
    expect((await call('POST', `/tenants/tenant-a/users/${a.user.id}/unlock`, tokens.adminA)).status).toBe(200);
    const message = receiver.received.find((r) => r.body.includes('"user.locked"') && r.body.includes(a.user.id))!;
    expect(() => verified(secret, message)).toThrow(/signature/i);
    expect(verified(other.secret, message).type).toBe('user.locked');
  });

  it('sends sign-ins that succeeded and failed, naming no one for a wrong password', async () => {
    const receiver = await ownReceiver();
    const { secret } = await subscribe(receiver.url, ['sign_in.succeeded', 'sign_in.failed']);
    const config = await discoverClient(idp.baseUrl, a);
    await expect(authorize(config, { email: a.user.email!, password: 'Wrong-Password-1234' })).rejects.toThrow(/answered 400/);
    await signIn(config, { email: a.user.email! });
    await receiver.waitFor((all) => all.some((r) => r.body.includes('"sign_in.succeeded"')) && all.some((r) => r.body.includes('"sign_in.failed"')));
    const failed = verified(secret, receiver.received.find((r) => r.body.includes('"sign_in.failed"'))!);
    const succeeded = verified(secret, receiver.received.find((r) => r.body.includes('"sign_in.succeeded"'))!);
    expect(failed.data).toEqual({ method: 'password', reason: 'invalid_credentials' });
    expect(succeeded.data).toEqual({ user_id: a.user.id, amr: expect.arrayContaining(['pwd']) });
  });

  it('retries while the receiver answers 503, then delivers the same message', async () => {
    const receiver = await ownReceiver();
    const { id, secret } = await subscribe(receiver.url, ['user.created']);
    receiver.failNext = 2;
    const created = await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'retry.person@tenant-a.test' });
    await receiver.waitFor((all) => all.some((r) => r.body.includes(created.body.id)));
    expect(receiver.refusedCount).toBe(2);
    const history = await eventually(() => deliveries(id), (items) => items.some((d) => d.state === 'sent'));
    expect(history[0]).toMatchObject({ state: 'sent', attempts: 3, last_status: 204, last_error: null });
    const message = receiver.received.find((r) => r.body.includes(created.body.id))!;
    expect(message.headers['webhook-id']).toBe(history[0]!.id);
    expect(verified(secret, message).type).toBe('user.created');
  });

  it('keeps finished deliveries in the history for WEBHOOK_HISTORY_DAYS (30), then prunes them', async () => {
    const receiver = await ownReceiver();
    const { id } = await subscribe(receiver.url, ['user.created']);
    for (const name of ['old', 'recent']) await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: `${name}.history@tenant-a.test` });
    const sent = await eventually(() => deliveries(id), (items) => items.length === 2 && items.every((d) => d.state === 'sent'));
    const aged = new Date(Date.now() - 31 * 86_400_000);
    await idp.db.models.webhookOutbox.collection.updateOne({ _id: sent[1]!.id as never }, { $set: { updatedAt: aged } });
    expect(await idp.webhookWorker!.prune()).toBe(1);
    expect((await deliveries(id)).map((d) => d.id)).toEqual([sent[0]!.id]);
  });

  it('gives a delivery up as delivery_failed after the attempt limit', async () => {
    const closed = await new WebhookReceiver().start();
    await closed.stop();
    const { id } = await subscribe(closed.url, ['user.created']);
    await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'nobody.listens@tenant-a.test' });
    const history = await eventually(() => deliveries(id), (items) => items.some((d) => d.state === 'delivery_failed'));
    expect(history[0]).toMatchObject({ state: 'delivery_failed', attempts: 4, last_error: 'ECONNREFUSED', next_attempt_at: null });
  });
});

describe('webhooks across a restart', () => {
  it('delivers an event queued before the app stopped once it runs again', async () => {
    const database = await connectTestDatabase();
    const masterKey = Buffer.alloc(32, 7);
    const receiver = await new WebhookReceiver().start();
    const first = await startTestIdp({ database, masterKey, env: LOCAL });
    try {
      const a = await createTenantFixture(first.services, 'restart-a');
      const call = adminClient(first);
      const admin = await serviceToken(first, a.tenant, ['tenant_admin']);
      const created = await call('POST', '/tenants/restart-a/webhooks', admin, { url: receiver.url, event_types: ['user.updated'] });
      expect((await call('PATCH', `/tenants/restart-a/users/${a.user.id}`, admin, { name: 'Queued Before Stop' })).status).toBe(200);
      const queued = await call('GET', `/tenants/restart-a/webhooks/${created.body.id}/deliveries`, admin);
      expect(queued.body.items).toMatchObject([{ state: 'queued', attempts: 0 }]);
      await first.close();

      const second = await startTestIdp({ database, masterKey, env: LOCAL, webhookWorker: true });
      try {
        await receiver.waitFor((all) => all.length === 1);
        expect(verified(created.body.secret, receiver.received[0]!)).toMatchObject({ type: 'user.updated', data: { user_id: a.user.id, fields: ['name'] } });
        const sent = await eventually(() => second.services.webhooks.history(a.tenant._id, created.body.id, 10), (items) => items[0]?.state === 'sent');
        expect(sent).toHaveLength(1);
      } finally {
        await second.close();
      }
    } finally {
      await database.drop();
      await receiver.stop();
    }
  });
});

describe('webhooks with two processes on one database', () => {
  it('sends each event once: every attempt belongs to one worker of the set', async () => {
    const database = await connectTestDatabase();
    const masterKey = Buffer.alloc(32, 9);
    const receiver = await new WebhookReceiver().start();
    const one = await startTestIdp({ database, masterKey, env: LOCAL, webhookWorker: true });
    const two = await startTestIdp({ database, masterKey, env: LOCAL, webhookWorker: true });
    try {
      const a = await createTenantFixture(one.services, 'pair-a');
      const { secret, id } = (await adminClient(one)('POST', '/tenants/pair-a/webhooks', await serviceToken(one, a.tenant, ['tenant_admin']), { url: receiver.url, event_types: ['user.updated'] })).body;
      // Alternate processes, so each one's worker is woken by its own events and polls for the other's.
      for (let i = 0; i < 20; i += 1) {
        const idp = i % 2 ? two : one;
        await runWithContext({ actor: { type: 'job', id: 'test-setup' } }, () => idp.services.users.update(a.tenant, a.user.id, { name: `Name ${i}` }));
      }
      const history = await eventually(() => one.services.webhooks.history(a.tenant._id, id, 50), (items) => items.length === 20 && items.every((d) => d.state === 'sent'));
      expect(history.map((d) => d.attempts)).toEqual(Array(20).fill(1));
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
      for (const r of receiver.received) expect(verified(secret, r).type).toBe('user.updated');
    } finally {
      await one.close();
      await two.close();
      await database.drop();
      await receiver.stop();
    }
  });
});

describe('webhook local mode', () => {
  const production = { NODE_ENV: 'production', MONGODB_URI: 'mongodb://db.internal/doorway', IDP_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') };

  it('is off unless asked for, and production refuses to start with it', () => {
    expect(loadConfig(production).webhooks.allowPrivateUrls).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', ...LOCAL }).webhooks.allowPrivateUrls).toBe(true);
    let refused: unknown;
    try {
      loadConfig({ ...production, WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems).toEqual(['WEBHOOKS_ALLOW_PRIVATE_URLS: not allowed in production']);
  });
});

describe('webhook targets outside local mode (SSRF)', () => {
  let idp: TestIdp;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let a: TenantFixture;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ({ idp, call, tokens, a } = await setUpAdminWorld({ env: { OUTBOX_POLL_MS: '25' }, webhookWorker: true }));
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await idp.close();
    await receiver.stop();
  });

  const port = () => new URL(receiver.url).port;
  const internal = () => [
    `https://127.0.0.1:${port()}/hooks`,
    `https://10.1.2.3/hooks`,
    `https://169.254.169.254/latest/meta-data/`,
    `https://[::1]:${port()}/hooks`,
    `https://[::ffff:127.0.0.1]:${port()}/hooks`,
    `https://localhost:${port()}/hooks`,
  ];

  it('refuses loopback, private and link-local targets, and plain http, when the subscription is created', async () => {
    for (const url of [...internal(), 'http://93.184.215.14/hooks']) {
      const res = await call('POST', '/tenants/tenant-a/webhooks', tokens.adminA, { url, event_types: ['user.updated'] });
      expect({ url, status: res.status, type: res.headers.get('content-type') }).toEqual({ url, status: 400, type: expect.stringMatching(/problem\+json/) });
      expect(JSON.stringify(res.body)).toContain('url');
    }
  });

  it('checks the address again at delivery: a target that now resolves inside is refused, nothing is sent', async () => {
    // Registered while it was public; then its name (or its record) comes to point inside, as DNS rebinding does.
    const ids: string[] = [];
    for (const url of internal()) {
      const res = await call('POST', '/tenants/tenant-a/webhooks', tokens.adminA, { url: 'https://93.184.215.14/hooks', event_types: ['user.updated'] });
      expect(res.status).toBe(201);
      await idp.db.models.webhookSubscriptions.updateOne({ tenantId: a.tenant._id, _id: res.body.id }, { $set: { url } });
      ids.push(res.body.id);
    }
    await runWithContext({ actor: { type: 'job', id: 'test-setup' } }, () => idp.services.users.update(a.tenant, a.user.id, { name: 'Rebound' }));
    for (const id of ids) {
      const history = await eventually(() => idp.services.webhooks.history(a.tenant._id, id, 10), (items) => items[0]?.state === 'delivery_failed');
      expect(history[0]).toMatchObject({ attempts: 1, lastError: 'REFUSED_ADDRESS' });
    }
    expect(receiver.received).toHaveLength(0);
    expect(receiver.refusedCount).toBe(0);
  });
});
