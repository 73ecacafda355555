import { Webhook } from 'standardwebhooks';
import { accessCall, SimulatedLock } from '../access/simulated-lock.js';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { countCommands } from '../support/db-commands.js';
import type { TenantFixture } from '../support/fixtures.js';
import type { TestIdp } from '../support/test-idp.js';
import { WebhookReceiver, type Received } from './webhook-receiver.js';

/** Local mode (receivers on this machine); subscriptions kept long enough that a spec sees only its own reads. */
const LOCAL = { WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', OUTBOX_POLL_MS: '25', TENANT_REFRESH_MS: '60000' };

function verified(secret: string, message: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
  const headers = { 'webhook-id': String(message.headers['webhook-id']), 'webhook-timestamp': String(message.headers['webhook-timestamp']), 'webhook-signature': String(message.headers['webhook-signature']) };
  return new Webhook(secret).verify(message.body, headers) as ReturnType<typeof verified>;
}

/**
 * Access as webhook events: a lock's decision (`access.granted`, `access.denied`) and each event a lock
 * uploads (`access_event.recorded`), signed, with ids only, and at no database cost to a tenant that takes none.
 */
describe('access events as webhook events', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let receiver: WebhookReceiver;
  let secret: string;
  const locks: Record<'a' | 'b', { id: string; token: string; events: string }> = {} as never;

  const registerLock = async (slug: 'tenant-a' | 'tenant-b', token: string | undefined) => {
    const lock = await SimulatedLock.create();
    const registered = await call('POST', `/tenants/${slug}/locks`, token, { name: 'Lobby', doors: ['main-entrance', 'lab'], jwk: lock.publicJwk });
    expect(registered.status).toBe(201);
    lock.clientId = registered.body.client_id;
    const issuer = `${idp.baseUrl}/t/${slug}`;
    return { id: registered.body.id as string, token: await lock.token(issuer), events: await lock.token(issuer, 'access:events') };
  };
  const decide = (slug: string, token: string, door: string, userId: string) => accessCall(`${idp.baseUrl}/t/${slug}`, '/decisions', token, { door, subject: { user_id: userId } });

  beforeAll(async () => {
    ({ idp, a, b, call, tokens } = await setUpAdminWorld({ env: LOCAL, webhookWorker: true }));
    receiver = await new WebhookReceiver().start();
    locks.a = await registerLock('tenant-a', tokens.adminA);
    locks.b = await registerLock('tenant-b', tokens.adminB);
    // Names and addresses asked for: access events carry none all the same.
    const types = ['access.granted', 'access.denied', 'access_event.recorded'];
    const created = await call('POST', '/tenants/tenant-a/webhooks', tokens.adminA, { url: receiver.url, event_types: types, include_personal_data: true });
    expect(created.status).toBe(201);
    secret = created.body.secret;
  });
  afterAll(async () => {
    await idp?.close();
    await receiver?.stop();
  });

  it('sends a signed access.granted after a decision that opens, with ids only', async () => {
    const decision = await decide('tenant-a', locks.a.token, 'main-entrance', a.user.id);
    expect(decision.body).toMatchObject({ decision: 'granted' });
    await receiver.waitFor(() => receiver.ofType('access.granted').length === 1);
    const event = verified(secret, receiver.ofType('access.granted')[0]!);
    const stored = await idp.db.models.accessEvents.findOne({ tenantId: a.tenant._id, lockId: locks.a.id, result: 'granted' }).lean();
    expect(event.data).toEqual({
      access_event_id: stored!._id,
      lock_id: locks.a.id,
      door_id: stored!.doorId,
      door: 'main-entrance',
      user_id: a.user.id,
      result: 'granted',
      reason: null,
      method: 'decision',
      permission_id: decision.body.permission.id,
      at: stored!.at.toISOString(),
    });
    expect(receiver.ofType('access.granted')[0]!.body).not.toMatch(/alice|Andersen/i);
  });

  it('sends access.denied with the reason, naming no user for an id that is none of the tenant', async () => {
    await decide('tenant-a', locks.a.token, 'lab', 'usr_nobodyhere000000000');
    await receiver.waitFor(() => receiver.ofType('access.denied').length === 1);
    expect(verified(secret, receiver.ofType('access.denied')[0]!).data).toMatchObject({ result: 'denied', reason: 'no_permission', user_id: null, door: 'lab' });
  });

  it('sends access_event.recorded once per event a lock uploads, and nothing for a repeated upload', async () => {
    const time = new Date(Date.now() - 60_000).toISOString();
    const batch = [
      { id: 'up-1', door: 'main-entrance', subject: { user_id: a.user.id }, time, result: 'opened', method: 'card' },
      { id: 'up-2', door: 'lab', subject: { device_id: 'dev-9c1e' }, time, result: 'denied', reason: 'no_permission', method: 'phone' },
    ];
    const uploaded = await accessCall(`${idp.baseUrl}/t/tenant-a`, '/events', locks.a.events, { events: batch });
    expect(uploaded.body).toMatchObject({ accepted: 2, duplicate: 0 });
    await receiver.waitFor(() => receiver.ofType('access_event.recorded').length === 2);
    const data = receiver.ofType('access_event.recorded').map((r) => verified(secret, r).data).sort((x, y) => String(x.lock_event_id).localeCompare(String(y.lock_event_id)));
    expect(data).toEqual([
      expect.objectContaining({ lock_event_id: 'up-1', lock_id: locks.a.id, user_id: a.user.id, device_id: null, result: 'opened', reason: null, method: 'card', at: time }),
      expect.objectContaining({ lock_event_id: 'up-2', user_id: null, device_id: 'dev-9c1e', result: 'denied', reason: 'no_permission', method: 'phone' }),
    ]);
    expect(JSON.stringify(data)).not.toContain('"user":');

    const repeated = await accessCall(`${idp.baseUrl}/t/tenant-a`, '/events', locks.a.events, { events: batch });
    expect(repeated.body).toMatchObject({ accepted: 0, duplicate: 2 });
    // The next event is told; the repeated ones were not told again before it.
    await decide('tenant-a', locks.a.token, 'main-entrance', a.user.id);
    await receiver.waitFor(() => receiver.ofType('access.granted').length === 2);
    expect(receiver.ofType('access_event.recorded')).toHaveLength(2);
  });

  it('costs a decision no database command for webhooks in a tenant with no subscription to access events', async () => {
    const other = await call('POST', '/tenants/tenant-b/webhooks', tokens.adminB, { url: receiver.url, event_types: ['user.created'] });
    expect(other.status).toBe(201);
    // The first decision after the change reads the tenant's subscriptions once; the next ones read nothing of them.
    await decide('tenant-b', locks.b.token, 'main-entrance', b.user.id);
    const { commands } = await countCommands(idp.db.connection, () => decide('tenant-b', locks.b.token, 'main-entrance', b.user.id));
    // (The worker polls webhook_outbox on its own: what a decision would add is a read of subscriptions or a queued delivery.)
    const forWebhooks = (byName: Record<string, number>) => Object.keys(byName).filter((name) => /webhook_subscriptions|insert webhook_outbox/.test(name));
    expect(forWebhooks(commands.byName)).toEqual([]);
    expect(commands.total).toBeGreaterThan(0);
    // The same in tenant A, which takes them, queues its delivery.
    const { commands: taken } = await countCommands(idp.db.connection, () => decide('tenant-a', locks.a.token, 'main-entrance', a.user.id));
    expect(forWebhooks(taken.byName)).toEqual(['insert webhook_outbox']);
  });
});
