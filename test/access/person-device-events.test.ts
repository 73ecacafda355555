import { exportJWK, generateKeyPair } from 'jose';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { countCommands } from '../support/db-commands.js';
import { asSetup, type TenantFixture } from '../support/fixtures.js';
import { type TestIdp } from '../support/test-idp.js';

const HOUR = 3600 * 1000;

/**
 * A lock that opened for a phone key names only the device's pseudonym. The person's history (by `user`) and
 * who opened a door count such an event as the person whose phone it is, or was (a revoked phone too), in
 * their own tenant only, and after their erasure nothing leads from the event back to them.
 */
describe("a person's access history with their phones' events", () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];
  let pia: string;
  let ola: string;
  let phone: string;
  let oldPhone: string;
  let olaPhone: string;
  let uploaded = 0;
  const base = Date.now() - 6 * HOUR;
  const at = (hours: number) => new Date(base + hours * HOUR).toISOString();
  const range = `door=lab&from=${encodeURIComponent(at(-1))}&to=${encodeURIComponent(at(5))}`;

  const newPerson = async (key: string) => (await call('POST', '/tenants/tenant-a/users', tokens.adminA, { email: `${key}@tenant-a.test`, name: key })).body.id as string;
  const phoneOf = async (tenant: TenantDoc, userId: string) => {
    const jwk = await exportJWK((await generateKeyPair('ES256')).publicKey);
    return (await asSetup(() => idp.services.devices.register(tenant._id, userId, { label: 'Phone', jwk: { ...jwk } })))._id;
  };
  /** What the tenant's lock reports: by a user id (a card) or by a device pseudonym alone (a phone key). */
  const reported = async (tenant: TenantDoc, subject: { user_id: string } | { device_id: string }, hours: number) => {
    const lock = (await idp.db.models.locks.findOne({ tenantId: tenant._id }).lean())!;
    const event = { id: `ev-${++uploaded}`, door: 'lab', subject, time: at(hours), result: 'opened', method: 'user_id' in subject ? 'card' : 'phone' };
    expect(await asSetup(() => idp.services.accessEventIngest.upload(tenant._id, lock, [event]))).toMatchObject({ accepted: 1 });
    return event.id;
  };
  const history = async (userId: string, extra = '', tenant = 'tenant-a', token = tokens.adminA) => {
    const res = await call('GET', `/tenants/${tenant}/access-events?user=${userId}${extra}`, token);
    expect(res.status).toBe(200);
    return res.body as { items: { event_id: string; user_id: string | null; device_id: string | null; method: string }[]; next_cursor: string | null };
  };
  const reads = async (subject: string) => (await call('GET', `/tenants/tenant-a/change-log?subject=${subject}&action=access_events.read`, tokens.adminA)).body.items as { counts?: Record<string, number> }[];

  beforeAll(async () => {
    ({ idp, a, b, call, tokens } = await setUpAdminWorld());
    for (const fixture of [a, b]) {
      await asSetup(async () => idp.services.locks.create(fixture.tenant._id, { name: 'Lab lock', doors: ['lab'], jwk: { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)) } }));
    }
    [pia, ola] = [await newPerson('pia'), await newPerson('ola')];
    [phone, oldPhone, olaPhone] = [await phoneOf(a.tenant, pia), await phoneOf(a.tenant, pia), await phoneOf(a.tenant, ola)];
    await reported(a.tenant, { user_id: pia }, 0);
    await reported(a.tenant, { device_id: phone }, 1);
    await reported(a.tenant, { device_id: oldPhone }, 2);
    await asSetup(() => idp.services.devices.revoke(a.tenant._id, pia, oldPhone));
    await reported(a.tenant, { device_id: olaPhone }, 3);
    await reported(a.tenant, { device_id: 'dev-of-nobody' }, 4);
    // Tenant B's lock names the pseudonym of Pia's phone at A: to B it is nobody's.
    await reported(b.tenant, { device_id: phone }, 1);
  });
  afterAll(() => idp.close());

  it("shows the events of the person's phones, revoked ones too, under the person, and logs the read about the person", async () => {
    const before = (await reads(phone)).length;
    const { items } = await history(pia);
    expect(items.map((e) => [e.event_id, e.user_id, e.device_id, e.method])).toEqual([
      ['ev-3', pia, oldPhone, 'phone'],
      ['ev-2', pia, phone, 'phone'],
      ['ev-1', pia, null, 'card'],
    ]);
    expect((await reads(pia))[0]).toMatchObject({ counts: { access_events: 3 } });
    // The read is about Pia, not about a pseudonym only the devices collection ties to her.
    expect(await reads(phone)).toHaveLength(before);
  });

  it("shows no one else's phone under the person, and pages through them by cursor", async () => {
    expect((await history(ola)).items.map((e) => [e.event_id, e.user_id, e.device_id])).toEqual([['ev-4', ola, olaPhone]]);
    const first = await history(pia, '&limit=2');
    const second = await history(pia, `&limit=2&cursor=${first.next_cursor}`);
    expect([...first.items, ...second.items].map((e) => e.event_id)).toEqual(['ev-3', 'ev-2', 'ev-1']);
    expect(second.next_cursor).toBeNull();
    expect((await history(pia, `&device=${phone}`)).items.map((e) => e.event_id)).toEqual(['ev-2']);
  });

  it("reads the person's devices once and their events once, however many phones they have", async () => {
    const { commands } = await countCommands(idp.db.connection, () => history(pia));
    expect([commands.byName['find devices'], commands.byName['find access_events']]).toEqual([1, 1]);
  });

  it('counts a person once among who opened a door, card and phones together, and logs the read about them', async () => {
    const res = await call('GET', `/tenants/tenant-a/access-events/openers?${range}`, tokens.adminA);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { user_id: pia, device_id: null, openings: 3, first: at(0), last: at(2) },
      { user_id: ola, device_id: null, openings: 1, first: at(3), last: at(3) },
      { user_id: null, device_id: 'dev-of-nobody', openings: 1, first: at(4), last: at(4) },
    ]);
    expect((await reads(pia))[0]).toMatchObject({ counts: { access_events: 3 } });
    expect((await reads(ola))[0]).toMatchObject({ counts: { access_events: 1 } });
  });

  it("exports the person's history with their phones' events as theirs, logged about them alone", async () => {
    const res = await call('GET', `/tenants/tenant-a/access-events/export?user=${pia}`, tokens.adminA);
    const rows = String(res.body).trim().split('\n').map((l) => JSON.parse(l)).slice(1, -1);
    expect(rows.map((r) => [r.event_id, r.user_id])).toEqual([['ev-1', pia], ['ev-2', pia], ['ev-3', pia]]);
    const exported = async (subject: string) => (await call('GET', `/tenants/tenant-a/change-log?subject=${subject}&action=access_events.exported`, tokens.adminA)).body.items;
    expect(await exported(pia)).toHaveLength(1);
    expect(await exported(phone)).toEqual([]);
  });

  it("keeps tenants apart: B's event naming the same pseudonym is not Pia's, and B finds nothing under her id", async () => {
    expect((await history(pia)).items.map((e) => e.event_id)).not.toContain('ev-6');
    expect((await history(pia, '', 'tenant-b', tokens.adminB)).items).toEqual([]);
    const inB = await call('GET', '/tenants/tenant-b/access-events', tokens.adminB);
    expect(inB.body.items.map((e: { event_id: string; user_id: string | null }) => [e.event_id, e.user_id])).toEqual([['ev-6', null]]);
  });

  it('leaves the daily counts as they were, and after erasure nothing leads from the events back to the person', async () => {
    const counts = async () => (await call('GET', `/tenants/tenant-a/access-events/daily-counts?${range}`, tokens.adminA)).body.items as { successful: number }[];
    const successful = async () => (await counts()).reduce((n, r) => n + r.successful, 0);
    expect(await successful()).toBe(5);

    expect((await call('DELETE', `/tenants/tenant-a/users/${pia}`, tokens.adminA)).status).toBe(204);

    expect((await history(pia)).items).toEqual([]);
    const openers = await call('GET', `/tenants/tenant-a/access-events/openers?${range}`, tokens.adminA);
    const named = JSON.stringify(openers.body.items);
    for (const id of [pia, phone, oldPhone]) expect(named).not.toContain(id);
    expect(openers.body.items).toContainEqual({ user_id: null, device_id: null, openings: 3, first: at(0), last: at(2) });
    const owners = await call('GET', `/tenants/tenant-a/devices?ids=${phone},${oldPhone},${olaPhone}`, tokens.adminA);
    expect(owners.body.items.map((d: { id: string }) => d.id)).toEqual([olaPhone]);
    expect(await successful()).toBe(5);
  });

  it("stores a phone's event while its person's processing is restricted with neither person nor pseudonym, so no history leads to it", async () => {
    const rita = await newPerson('rita');
    const ritasPhone = await phoneOf(a.tenant, rita);
    expect((await call('POST', `/tenants/tenant-a/users/${rita}/restrict`, tokens.adminA)).status).toBe(200);
    const during = await reported(a.tenant, { device_id: ritasPhone }, 5.5);
    expect((await call('POST', `/tenants/tenant-a/users/${rita}/unrestrict`, tokens.adminA)).status).toBe(200);
    const after = await reported(a.tenant, { device_id: ritasPhone }, 5.6);
    const stored = async (eventId: string) => idp.db.models.accessEvents.findOne({ tenantId: a.tenant._id, eventId }, { subjectId: 1, deviceId: 1, _id: 0 }).lean();
    expect(await stored(during)).toEqual({ subjectId: null, deviceId: null });
    expect(await stored(after)).toEqual({ subjectId: null, deviceId: ritasPhone });
    expect((await history(rita)).items.map((e) => e.event_id)).toEqual([after]);
  });
});

describe('whose phones a page of access events names', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let b: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];

  beforeAll(async () => ({ idp, a, b, call, tokens } = await setUpAdminWorld()));
  afterAll(() => idp.close());

  const phoneOf = async (tenant: TenantDoc, userId: string) => {
    const jwk = await exportJWK((await generateKeyPair('ES256')).publicKey);
    return (await asSetup(() => idp.services.devices.register(tenant._id, userId, { label: 'Phone', jwk: { ...jwk } })))._id;
  };

  it("names each device's user in one request, revoked ones included, and leaves out ids of no device of the tenant", async () => {
    const [mine, revoked, elsewhere] = [await phoneOf(a.tenant, a.user.id), await phoneOf(a.tenant, a.user.id), await phoneOf(b.tenant, b.user.id)];
    await asSetup(() => idp.services.devices.revoke(a.tenant._id, a.user.id, revoked));
    const res = await call('GET', `/tenants/tenant-a/devices?ids=${mine},${revoked},${elsewhere},dev-of-nobody,${mine}`, tokens.managerA);
    expect(res.status).toBe(200);
    // In the order of their ids as the database compares strings: by code unit, not by locale.
    const expected = [
      { id: mine, user_id: a.user.id, revoked_at: null },
      { id: revoked, user_id: a.user.id, revoked_at: expect.any(String) },
    ].sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(res.body.items).toEqual(expected);
  });

  it('is for those who may read users, and refuses a list that is no list of device ids', async () => {
    expect((await call('GET', '/tenants/tenant-a/devices?ids=dev-x', tokens.auditorA)).status).toBe(403);
    expect((await call('GET', '/tenants/tenant-a/devices?ids=dev-x', tokens.adminB)).status).toBe(404);
    for (const ids of ['', 'a,,b', 'not an id', Array.from({ length: 101 }, (_, i) => `dev-${i}`).join(',')]) {
      const res = await call('GET', `/tenants/tenant-a/devices?ids=${encodeURIComponent(ids)}`, tokens.adminA);
      expect([ids.slice(0, 12), res.status, res.body.type]).toEqual([ids.slice(0, 12), 400, 'urn:doorway:problem:validation']);
    }
  });
});
