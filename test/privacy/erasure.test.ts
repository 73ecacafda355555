import { EJSON } from 'bson';
import * as client from 'openid-client';
import { restoredForm, type Tombstones } from '../../src/privacy/restore-filter.js';
import { subjectDataPlaces } from '../../src/privacy/subject-data.registry.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { personWithDataEverywhere, SETUP_TIMEOUT_MS, type Person } from './privacy-fixture.js';

type RawDoc = Record<string, unknown>;

describe('erasure of a user', () => {
  let idp: TestIdp;
  let acme: TenantFixture;
  let person: Person;
  let admin: string;
  let call: ReturnType<typeof adminClient>;
  /** What the database held about the person before the erasure, as a backup taken then would. */
  const before = new Map<string, RawDoc[]>();
  let subjectIds: string[];

  const about = (name: string) => {
    const place = subjectDataPlaces().find(([n]) => n === name)![1];
    const model = idp.db.models[name as keyof typeof idp.db.models];
    return model.collection.find({ tenantId: acme.tenant._id, ...place.about(subjectIds) }).toArray() as Promise<RawDoc[]>;
  };

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    acme = await createTenantFixture(idp.services, 'acme');
    person = await personWithDataEverywhere(idp, acme, 'erased');
    admin = await serviceToken(idp, acme.tenant, ['tenant_admin']);
    subjectIds = [person.id, person.invitationId];
    for (const [name] of subjectDataPlaces()) before.set(name, await about(name));
    expect((await call('DELETE', `/tenants/acme/users/${person.id}`, admin)).status).toBe(204);
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it('had found, before, the person in every place the registry says documents about them live', () => {
    for (const [name, place] of subjectDataPlaces()) {
      const docs = before.get(name)!;
      if (name !== 'deletedSubjects') expect({ name, found: docs.length > 0 }).toEqual({ name, found: true });
      // The query form and the raw-document form of the registry agree.
      for (const doc of docs) expect(subjectIds).toContain(place.subjectOf(doc));
    }
  });

  it('removes the user, their sessions, grants, tokens, invitation, links, mails and second factors', async () => {
    expect((await call('GET', `/tenants/acme/users/${person.id}`, admin)).status).toBe(404);
    for (const [name, place] of subjectDataPlaces()) {
      if (place.erasure === 'delete') expect({ name, left: (await about(name)).length }).toEqual({ name, left: 0 });
      if (place.erasure === 'unlink') expect({ name, linked: (await about(name)).length }).toEqual({ name, linked: 0 });
    }
  });

  it('keeps access events, counted, with no link to the person', async () => {
    const ids = before.get('accessEvents')!.map((d) => String(d._id));
    const kept = await idp.db.models.accessEvents.find({ tenantId: acme.tenant._id, _id: { $in: ids } }).lean();
    expect(kept.map((e) => e.subjectId)).toEqual(ids.map(() => null));
  });

  it('ends the tokens already handed out: refresh refused, access token inactive', async () => {
    const { config, tokens } = person.signedIn;
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('keeps the door-permission history as rows naming only the subject id, every open grant ended by the eraser', async () => {
    const rows = await about('doorPermissions');
    expect(rows).toHaveLength(before.get('doorPermissions')!.length);
    for (const row of rows) {
      expect(row.revokedAt).toBeInstanceOf(Date);
      expect(row.revokedBy).toMatch(/^service:cli_.+@acme$/);
    }
    const text = EJSON.stringify(rows);
    for (const value of Object.values(person.values)) expect(text).not.toContain(value);
  });

  it('keeps the change-log entries about them, which hold field names only, and the chain still verifies', async () => {
    const log = await call('GET', `/tenants/acme/change-log?subject=${person.id}&limit=200`, admin);
    const actions = log.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.deleted', 'user.created', 'user.updated', 'door_permission.granted']));
    const deleted = log.body.items.find((e: { action: string }) => e.action === 'user.deleted');
    expect(deleted.fields).toEqual(expect.arrayContaining(['email', 'name', 'phone', 'passwordHash', 'sessions', 'door_permissions', 'mfa_factors']));
    const text = JSON.stringify(log.body);
    for (const value of Object.values(person.values)) expect(text).not.toContain(value);
    expect((await call('GET', '/tenants/acme/change-log/verify', admin)).body).toMatchObject({ ok: true });
  });

  it('lists the subject id, and the invitation id that named them before, as deleted subjects', async () => {
    const tombstones = await idp.db.models.deletedSubjects.find({ tenantId: acme.tenant._id }).lean();
    expect(tombstones.map((t) => t.subjectId).sort()).toEqual([...subjectIds].sort());
    for (const t of tombstones) expect(t).toMatchObject({ reason: 'erased', deletedAt: expect.any(Date) });
  });

  it('never hands the erased id to a new user', async () => {
    const reuse = asSetup(() => idp.services.users.create(acme.tenant, { id: person.id, email: 'someone.else@example.test' }));
    await expect(reuse).rejects.toMatchObject({ status: 409 });
  });

  it('leaves nothing of the person in clear anywhere in the database', async () => {
    const db = idp.db.connection.db!;
    for (const { name } of await db.listCollections().toArray()) {
      const text = EJSON.stringify(await db.collection(name).find({}).toArray());
      for (const value of Object.values(person.values)) expect({ name, leaked: text.includes(value) }).toEqual({ name, leaked: false });
    }
  });

  it('lets a restore of a backup taken before the erasure bring back nothing that erasure deleted', async () => {
    const tombstones: Tombstones = new Map(
      (await idp.db.models.deletedSubjects.find({ tenantId: acme.tenant._id }).lean()).map((t) => [t.subjectId, t]),
    );
    for (const [name, place] of subjectDataPlaces()) {
      const restored = before.get(name)!.map((doc) => restoredForm(name, doc, tombstones));
      if (place.erasure === 'delete') expect({ name, restored: restored.filter(Boolean).length }).toEqual({ name, restored: 0 });
      if (place.erasure === 'end') for (const doc of restored) expect(doc!.revokedAt).toBeInstanceOf(Date);
      if (place.erasure === 'unlink') for (const doc of restored) expect({ name, subject: place.subjectOf(doc!) }).toEqual({ name, subject: undefined });
    }
  });

  it('answers a second deletion with 404', async () => {
    expect((await call('DELETE', `/tenants/acme/users/${person.id}`, admin)).status).toBe(404);
  });
});
