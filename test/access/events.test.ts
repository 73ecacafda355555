import { AccessEventIngestService } from '../../src/access/access-event-ingest.service.js';
import { pruneAccessEvents } from '../../src/access/access-event-retention.js';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { asSetup, type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';
import { accessCall, SimulatedLock } from './simulated-lock.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

describe('access events from locks', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let issuerA: string;
  let issuerB: string;
  let token: string;
  let lockId: string;
  let lockClientId: string;
  let bob: string;
  // Noon UTC two days ago: every event below falls on known UTC days.
  const base = Math.floor((Date.now() - 2 * DAY) / DAY) * DAY + 12 * HOUR;
  const at = (hours: number) => new Date(base + hours * HOUR).toISOString();
  const dayOf = (hours: number) => at(hours).slice(0, 10);
  const upload = (events: unknown[], as = token, issuer = issuerA) => accessCall(issuer, '/events', as, { events });

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
    issuerA = `${idp.baseUrl}/t/tenant-a`;
    issuerB = `${idp.baseUrl}/t/tenant-b`;
    await call('POST', '/tenants/tenant-a/doors', tokens.adminA, { key: 'vault', name: 'Vault' });
    await call('POST', '/tenants/tenant-b/doors', tokens.adminB, { key: 'b-only', name: 'Only in B' });
    bob = (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'bob@tenant-a.test', name: 'Bob' })).body.id;
    const lock = await SimulatedLock.create();
    const registered = await call('POST', '/tenants/tenant-a/locks', tokens.adminA, { name: 'Lobby', doors: ['main-entrance', 'lab'], jwk: lock.publicJwk });
    lock.clientId = registered.body.client_id;
    lockId = registered.body.id;
    lockClientId = registered.body.client_id;
    token = await lock.token(issuerA, 'access:events');
    // The lock was offline: its log arrives days late, out of order, with a retried part repeated in the batch.
    const alice = { user_id: a.user.id };
    const batch = [
      { id: 'e-3', door: 'main-entrance', subject: alice, time: at(2), result: 'opened', method: 'card' },
      { id: 'e-1', door: 'main-entrance', subject: alice, time: at(-30), result: 'opened', method: 'card' },
      { id: 'e-2', door: 'main-entrance', subject: { user_id: bob }, time: at(-29), result: 'denied', reason: 'no_permission', method: 'card' },
      { id: 'e-4', door: 'lab', subject: { device_id: 'dev-7f3a' }, time: at(3), result: 'opened', method: 'phone' },
      { id: 'e-5', door: 'main-entrance', subject: null, time: at(4), result: 'error', reason: 'E_MOTOR', method: 'pin' },
      { id: 'e-1', door: 'main-entrance', subject: alice, time: at(-30), result: 'opened', method: 'card' },
    ];
    const first = await upload(batch);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: 5, duplicate: 1, rejected: 0, errors: [] });
  });
  afterAll(() => idp.close());

  it('counts a retried batch as duplicates, not errors, and stores nothing twice', async () => {
    const retry = await upload([{ id: 'e-2', door: 'main-entrance', subject: { user_id: bob }, time: at(-29), result: 'denied', reason: 'no_permission', method: 'card' }]);
    expect(retry.body).toEqual({ accepted: 0, duplicate: 1, rejected: 0, errors: [] });
    const list = await call('GET', `/tenants/tenant-a/access-events?lock=${lockId}`, tokens.adminA);
    expect(list.body.items.map((e: { event_id: string }) => e.event_id)).toEqual(['e-5', 'e-4', 'e-3', 'e-2', 'e-1']);
    // Bob's one event was recorded once, under the lock's client, though it came twice.
    const recorded = await call('GET', `/tenants/tenant-a/change-log?subject=${bob}&action=access_event.recorded`, tokens.adminA);
    expect(recorded.body.items).toEqual([expect.objectContaining({ actor: expect.stringContaining(lockClientId), fields: ['access_events'], counts: { access_events: 1 } })]);
  });

  it('finds stored events alike by one $in (where the server indexes it) and by one lookup per id', async () => {
    const lock = (await idp.db.models.locks.findOne({ tenantId: a.tenant._id, _id: lockId }).lean())!;
    const alice = { user_id: a.user.id };
    const retried = [
      { id: 'e-3', door: 'main-entrance', subject: alice, time: at(2), result: 'opened', method: 'card' },
      { id: 'e-1', door: 'main-entrance', subject: alice, time: at(-30), result: 'opened', method: 'card' },
    ];
    // A lookup that missed them would record them for Alice again before the insert found the duplicates.
    const recordedForAlice = () => idp.db.models.changeLog.countDocuments({ tenantId: a.tenant._id, subjectId: a.user.id, action: 'access_event.recorded' });
    const before = await recordedForAlice();
    for (const idInIndexed of [true, false]) {
      const ingest = new AccessEventIngestService(idp.db.models.accessEvents, idp.db.models.doors, idp.db.models.users, idp.db.models.devices, idp.services.changeLog, { idInIndexed });
      await expect(asSetup(() => ingest.upload(a.tenant._id, lock, retried))).resolves.toEqual({ accepted: 0, duplicate: 2, rejected: [] });
    }
    expect(await recordedForAlice()).toBe(before);
  });

  it('rejects bad items alone, with their index and field, and keeps the rest', async () => {
    const res = await upload([
      { id: 'ok-1', door: 'lab', subject: null, time: at(5), result: 'denied', method: 'card' },
      { id: 'stale', door: 'lab', time: new Date(Date.now() - 91 * DAY).toISOString(), result: 'opened', method: 'card' },
      { id: 'future', door: 'lab', time: new Date(Date.now() + HOUR).toISOString(), result: 'opened', method: 'card' },
      { id: 'not-served', door: 'vault', time: at(5), result: 'opened', method: 'card' },
      { id: 'bad-result', door: 'lab', time: at(5), result: 'maybe', method: 'card' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, duplicate: 0, rejected: 4 });
    expect(res.body.errors.map((e: { index: number; event_id: string; errors: { field: string }[] }) => [e.index, e.event_id, e.errors[0]!.field])).toEqual([
      [1, 'stale', 'events.1.time'],
      [2, 'future', 'events.2.time'],
      [3, 'not-served', 'events.3.door'],
      [4, 'bad-result', 'events.4.result'],
    ]);
  });

  it('refuses a batch that is no batch, one over 1,000, and a token without access:events, as problem+json', async () => {
    const notBatch = await accessCall(issuerA, '/events', token, { event: [] });
    expect(notBatch.status).toBe(400);
    expect(notBatch.headers.get('content-type')).toMatch(/problem\+json/);
    const tooMany = await upload(Array.from({ length: 1001 }, (_, i) => ({ id: `x-${i}` })));
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('events');
    const lock = await SimulatedLock.create();
    lock.clientId = (await call('POST', '/tenants/tenant-a/locks', tokens.adminA, { name: 'Other', doors: ['lab'], jwk: lock.publicJwk })).body.client_id;
    const noScope = await upload([], await lock.token(issuerA, 'access:status'));
    expect(noScope.status).toBe(403);
  });

  it("keeps tenants apart: A's lock cannot post to B, B's doors are not A's lock's, B's admin sees nothing of A", async () => {
    expect((await upload([{ id: 'b-1', door: 'b-only', time: at(1), result: 'opened', method: 'card' }], token, issuerB)).status).toBe(401);
    const foreignDoor = await upload([{ id: 'b-2', door: 'b-only', time: at(1), result: 'opened', method: 'card' }]);
    expect(foreignDoor.body.errors[0].errors[0].field).toBe('events.0.door');
    const seenByB = await call('GET', '/tenants/tenant-b/access-events', tokens.adminB);
    expect(seenByB.body.items).toEqual([]);
    expect((await call('GET', '/tenants/tenant-a/access-events', tokens.adminB)).status).toBe(404);
  });

  it("finds a person's history by door, result and time, in cursor pages, and logs who looked", async () => {
    const first = await call('GET', `/tenants/tenant-a/access-events?user=${a.user.id}&door=main-entrance&result=opened&limit=1`, tokens.auditorA);
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { event_id: string }) => e.event_id)).toEqual(['e-3']);
    const second = await call('GET', `/tenants/tenant-a/access-events?user=${a.user.id}&result=opened&limit=1&cursor=${first.body.next_cursor}`, tokens.auditorA);
    expect(second.body.items.map((e: { event_id: string }) => e.event_id)).toEqual(['e-1']);
    const ranged = await call('GET', `/tenants/tenant-a/access-events?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(4))}`, tokens.adminA);
    expect(ranged.body.items.map((e: { event_id: string }) => e.event_id)).toEqual(['e-4', 'e-3']);
    const log = await call('GET', `/tenants/tenant-a/change-log?subject=${a.user.id}&action=access_events.read`, tokens.adminA);
    expect(log.body.items.length).toBeGreaterThanOrEqual(2);
    expect(log.body.items[0]).toMatchObject({ subject_type: 'user', fields: ['access_events'] });
  });

  it('counts successful and unsuccessful attempts per door per UTC day', async () => {
    const res = await call('GET', `/tenants/tenant-a/access-events/daily-counts?from=${encodeURIComponent(at(-48))}&to=${encodeURIComponent(at(24))}`, tokens.adminA);
    expect(res.status).toBe(200);
    const main = res.body.items.filter((r: { door: string }) => r.door === 'main-entrance');
    expect(main).toEqual([
      { door: 'main-entrance', day: dayOf(-30), successful: 1, unsuccessful: 1 },
      { door: 'main-entrance', day: dayOf(2), successful: 1, unsuccessful: 1 },
    ]);
  });

  it('answers who opened a door between two times, each once, and logs a read about each person named', async () => {
    const res = await call('GET', `/tenants/tenant-a/access-events/openers?door=main-entrance&from=${encodeURIComponent(at(-48))}&to=${encodeURIComponent(at(24))}`, tokens.adminA);
    expect(res.body.items).toEqual([{ user_id: a.user.id, device_id: null, openings: 2, first: at(-30), last: at(2) }]);
    const bad = await call('GET', `/tenants/tenant-a/access-events/openers?door=main-entrance&from=${encodeURIComponent(at(2))}&to=${encodeURIComponent(at(1))}`, tokens.adminA);
    expect(bad.status).toBe(400);
    const log = await call('GET', `/tenants/tenant-a/change-log?subject=${a.user.id}&action=access_events.read`, tokens.adminA);
    expect(log.body.items[0]).toMatchObject({ counts: { access_events: 2 } });
  });

  it('exports as CSV and NDJSON with the personal-data warning, and logs the export about each person in it', async () => {
    const csv = await call('GET', '/tenants/tenant-a/access-events/export?format=csv&door=main-entrance', tokens.adminA);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('doorway-warning')).toMatch(/personal data/);
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toBe('id,event_id,lock_id,door,user_id,device_id,time,result,reason,method,received_at');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['e-1', 'e-2', 'e-3', 'e-5']);
    const ndjson = await call('GET', '/tenants/tenant-a/access-events/export?door=lab', tokens.adminA);
    expect(ndjson.headers.get('doorway-warning')).toMatch(/personal data/);
    const rows = String(ndjson.body).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[0]).toMatchObject({ export: { filter: { door: 'lab' } } });
    expect(rows.at(-1)).toEqual({ complete: { events: rows.length - 2 } });
    expect(rows.find((r) => r.event_id === 'e-4')).toMatchObject({ device_id: 'dev-7f3a', user_id: null, method: 'phone' });
    const aboutBob = await call('GET', `/tenants/tenant-a/change-log?subject=${bob}&action=access_events.exported`, tokens.adminA);
    expect(aboutBob.body.items).toHaveLength(1);
    const aboutDevice = await call('GET', '/tenants/tenant-a/change-log?subject=dev-7f3a&action=access_events.exported', tokens.adminA);
    expect(aboutDevice.body.items[0]).toMatchObject({ subject_type: 'device' });
  });

  it("puts uploaded events in the person's export, and stores none linked to a restricted person", async () => {
    const exported = await call('GET', `/tenants/tenant-a/users/${a.user.id}/export`, tokens.adminA);
    expect(exported.status).toBe(200);
    const cards = exported.body.access_events.filter((e: { method: string }) => e.method === 'card');
    expect(cards.map((e: { at: string }) => e.at)).toEqual([at(-30), at(2)]);
    const cleo = (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: 'cleo@tenant-a.test', name: 'Cleo' })).body.id;
    expect((await call('POST', `/tenants/tenant-a/users/${cleo}/restrict`, tokens.adminA)).status).toBe(200);
    const res = await upload([{ id: 'r-1', door: 'lab', subject: { user_id: cleo }, time: at(6), result: 'denied', reason: 'restricted', method: 'card' }]);
    expect(res.body).toMatchObject({ accepted: 1 });
    const stored = await call('GET', `/tenants/tenant-a/access-events?lock=${lockId}&result=denied&door=lab`, tokens.adminA);
    expect(stored.body.items.find((e: { event_id: string }) => e.event_id === 'r-1')).toMatchObject({ user_id: null, reason: 'restricted' });
  });

  it("prunes events older than the tenant's retention (default 365 days), by the event's own time", async () => {
    const settings = await call('GET', '/tenants/tenant-a/settings', tokens.adminA);
    expect(settings.body.access_event_retention_days).toBe(365);
    const shorter = await call('PATCH', '/tenants/tenant-a/settings', tokens.adminA, { access_event_retention_days: 7 });
    expect(shorter.status).toBe(200);
    expect(shorter.headers.get('doorway-warning')).toMatch(/Access events older than 7 days/);
    // A week and three hours after the base time: everything before base + 3h is past the retention.
    await pruneAccessEvents({ tenants: idp.services.tenants, models: idp.db.models }, new Date(base + 7 * DAY + 3 * HOUR));
    const left = await call('GET', `/tenants/tenant-a/access-events?lock=${lockId}`, tokens.adminA);
    expect(left.body.items.map((e: { event_id: string }) => e.event_id)).toEqual(['r-1', 'ok-1', 'e-5', 'e-4']);
  });
});
