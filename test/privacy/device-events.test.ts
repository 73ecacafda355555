import { exportJWK, generateKeyPair } from 'jose';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { SETUP_TIMEOUT_MS } from './privacy-fixture.js';

/**
 * Events a lock reported by a phone key name only the device's pseudonym; the devices collection ties it to
 * the person. Their export holds those events, and their erasure or anonymization leaves nothing that leads
 * from the events back to them.
 */
describe("access events that name only a person's device", () => {
  let idp: TestIdp;
  let acme: TenantFixture;
  let globex: TenantFixture;
  let admin: string;
  let call: ReturnType<typeof adminClient>;
  let uploaded = 0;

  const newPerson = async (tenant: TenantDoc, key: string) =>
    (await asSetup(() => idp.services.users.create(tenant, { email: `${key}@${tenant.slug}.test`, name: `Person ${key}`, password: PASSWORD, roles: ['employee'] }))).id;
  const phoneOf = async (tenant: TenantDoc, userId: string) => {
    const jwk = await exportJWK((await generateKeyPair('ES256')).publicKey);
    return (await asSetup(() => idp.services.devices.register(tenant._id, userId, { label: 'Phone', jwk: { ...jwk } })))._id;
  };
  /** One opening the tenant's lock reports by the device's pseudonym alone, as it does for phone keys. */
  const openedBy = async (fixture: TenantFixture, deviceId: string) => {
    const lock = (await idp.db.models.locks.findOne({ tenantId: fixture.tenant._id }).lean())!;
    const event = { id: `ev-${++uploaded}`, door: 'lab', subject: { device_id: deviceId }, time: new Date().toISOString(), result: 'opened', method: 'phone' };
    expect(await asSetup(() => idp.services.accessEventIngest.upload(fixture.tenant._id, lock, [event]))).toMatchObject({ accepted: 1 });
  };
  const eventsOf = (tenant: TenantDoc, deviceId: string) => idp.db.models.accessEvents.find({ tenantId: tenant._id, deviceId }).lean();

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    acme = await createTenantFixture(idp.services, 'acme');
    globex = await createTenantFixture(idp.services, 'globex');
    admin = await serviceToken(idp, acme.tenant, ['tenant_admin']);
    for (const fixture of [acme, globex]) {
      await asSetup(async () => idp.services.locks.create(fixture.tenant._id, { name: 'Lab lock', doors: ['lab'], jwk: { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)) } }));
    }
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it("puts the events of a person's devices in their export, revoked devices included, and no one else's", async () => {
    const pia = await newPerson(acme.tenant, 'pia');
    const [phone, oldPhone] = [await phoneOf(acme.tenant, pia), await phoneOf(acme.tenant, pia)];
    await openedBy(acme, phone);
    await openedBy(acme, oldPhone);
    await asSetup(() => idp.services.devices.revoke(acme.tenant._id, pia, oldPhone));
    const other = await phoneOf(acme.tenant, await newPerson(acme.tenant, 'ola'));
    await openedBy(acme, other);
    // An admin looks at what one phone opened: that look is about the person too.
    expect((await call('GET', `/tenants/acme/access-events?device=${phone}`, admin)).status).toBe(200);

    const exported = await call('GET', `/tenants/acme/users/${pia}/export`, admin);
    expect(exported.status).toBe(200);
    const events = exported.body.access_events as { device_id: string | null; method: string; door: string }[];
    expect(events.map((e) => e.device_id).sort()).toEqual([phone, oldPhone].sort());
    expect(events).toEqual(events.map(() => expect.objectContaining({ door: 'lab', method: 'phone', result: 'opened' })));
    const reads = (exported.body.change_log as { action: string; subject_id: string }[]).filter((e) => e.action === 'access_events.read');
    expect(reads).toEqual([expect.objectContaining({ subject_id: phone })]);
  });

  it('leaves no link from those events to an erased person: no user id, no device pseudonym, no device', async () => {
    const eva = await newPerson(acme.tenant, 'eva');
    const phone = await phoneOf(acme.tenant, eva);
    await openedBy(acme, phone);
    const [event] = await eventsOf(acme.tenant, phone);
    const bystander = await phoneOf(acme.tenant, await newPerson(acme.tenant, 'ben'));
    await openedBy(acme, bystander);

    expect((await call('DELETE', `/tenants/acme/users/${eva}`, admin)).status).toBe(204);

    // The door's log keeps counting the opening, which now names nobody.
    const kept = await idp.db.models.accessEvents.findOne({ tenantId: acme.tenant._id, _id: event!._id }).lean();
    expect(kept).toMatchObject({ subjectId: null, deviceId: null, result: 'opened', doorId: event!.doorId });
    expect(await idp.db.models.devices.countDocuments({ tenantId: acme.tenant._id, _id: phone })).toBe(0);
    expect(await eventsOf(acme.tenant, phone)).toEqual([]);
    expect(await eventsOf(acme.tenant, bystander)).toHaveLength(1);
  });

  it('does the same when an inactive person is anonymized, and touches no other tenant', async () => {
    const ida = await newPerson(acme.tenant, 'ida');
    const phone = await phoneOf(acme.tenant, ida);
    await openedBy(acme, phone);
    const elsewhere = await phoneOf(globex.tenant, await newPerson(globex.tenant, 'ida'));
    await openedBy(globex, elsewhere);

    expect(await asSetup(() => idp.services.users.anonymize(acme.tenant, ida))).toBe(true);

    expect(await eventsOf(acme.tenant, phone)).toEqual([]);
    expect(await idp.db.models.accessEvents.countDocuments({ tenantId: acme.tenant._id, deviceId: null, subjectId: null, method: 'phone' })).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(globex.tenant, elsewhere)).toHaveLength(1);
  });
});
