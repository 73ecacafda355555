import { asSetup } from '../support/fixtures.js';
import { ERROR_SCHEMA, GROUP_SCHEMA, PATCH_OP, setUpScimWorld, USER_SCHEMA, type ScimWorld } from './scim-world.js';

/**
 * `externalId` (RFC 7643 §3.1): the provisioning client's own id for a User or Group, kept as it was sent,
 * answered in the resource, found by `filter=externalId eq "…"` within the tenant. On a User it identifies a
 * person: sealed like the email, in the subject export, gone with an erasure or an anonymization.
 */
describe('SCIM: externalId', () => {
  let w: ScimWorld;
  beforeAll(async () => {
    w = await setUpScimWorld();
  });
  afterAll(() => w.idp.close());

  const newUser = (email: string, externalId?: string) => ({
    schemas: [USER_SCHEMA],
    ...(externalId ? { externalId } : {}),
    userName: email,
    emails: [{ value: email, primary: true }],
  });
  const byExternalId = (call: ScimWorld['scimA'], resource: 'Users' | 'Groups', id: string) => call('GET', `/${resource}?filter=${encodeURIComponent(`externalId eq "${id}"`)}`);
  const fieldsLogged = async (id: string) =>
    (await w.idp.db.models.changeLog.find({ tenantId: w.a.tenant._id, subjectId: id }).sort({ seq: 1 }).lean()).map((e) => [e.action, e.fields.includes('externalId')]);
  const rawUser = (id: string) => w.idp.db.models.users.findOne({ tenantId: w.a.tenant._id, _id: id }).lean();

  it('keeps a User’s externalId as sent, answers it, and finds the user by it exactly', async () => {
    const created = await w.scimA('POST', '/Users', { body: newUser('erik@tenant-a.test', 'HR-0042') });
    expect(created.status).toBe(201);
    expect(created.body.externalId).toBe('HR-0042');
    expect((await w.scimA('GET', `/Users/${created.body.id}`)).body.externalId).toBe('HR-0042');

    const found = await byExternalId(w.scimA, 'Users', 'HR-0042');
    expect(found.body).toMatchObject({ totalResults: 1 });
    expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([created.body.id]);
    // caseExact: another spelling is another id.
    expect((await byExternalId(w.scimA, 'Users', 'hr-0042')).body).toMatchObject({ totalResults: 0, Resources: [] });
    expect(await fieldsLogged(created.body.id)).toEqual([['user.created', true]]);
    // Sealed at rest like the email, with a blind index for the filter.
    const stored = await rawUser(created.body.id);
    expect(stored!.externalId).toBeDefined();
    expect(JSON.stringify(stored)).not.toContain('HR-0042');
  });

  it('does not find another tenant’s user by its externalId', async () => {
    const mine = await w.scimB('POST', '/Users', { body: newUser('erik@tenant-b.test', 'HR-0042') });
    const seenByB = await byExternalId(w.scimB, 'Users', 'HR-0042');
    expect(seenByB.body.Resources.map((u: { id: string }) => u.id)).toEqual([mine.body.id]);
    const seenByA = await byExternalId(w.scimA, 'Users', 'HR-0042');
    expect(seenByA.body.Resources.map((u: { id: string }) => u.id)).not.toContain(mine.body.id);
  });

  it('changes it with PATCH and removes it with a PUT that leaves it out, each change in the change log', async () => {
    const [user] = (await byExternalId(w.scimA, 'Users', 'HR-0042')).body.Resources;
    const patched = await w.scimA('PATCH', `/Users/${user.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'externalId', value: 'HR-0043' }] } });
    expect(patched.status).toBe(200);
    expect(patched.body.externalId).toBe('HR-0043');
    expect((await byExternalId(w.scimA, 'Users', 'HR-0042')).body.totalResults).toBe(0);
    expect((await byExternalId(w.scimA, 'Users', 'HR-0043')).body.totalResults).toBe(1);

    const replaced = await w.scimA('PUT', `/Users/${user.id}`, { body: newUser('erik@tenant-a.test') });
    expect(replaced.status).toBe(200);
    expect(replaced.body).not.toHaveProperty('externalId');
    expect((await byExternalId(w.scimA, 'Users', 'HR-0043')).body.totalResults).toBe(0);
    const stored = await rawUser(user.id);
    expect([stored!.externalId, stored!.externalIdHash]).toEqual([undefined, undefined]);
    expect(await fieldsLogged(user.id)).toEqual([
      ['user.created', true],
      ['user.updated', true],
      ['user.updated', true],
    ]);
  });

  it('refuses an externalId that is not a string', async () => {
    const res = await w.scimA('POST', '/Users', { body: { ...newUser('num@tenant-a.test'), externalId: 42 } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidValue' });
  });

  it('puts a user’s externalId in their export, and takes it away with an anonymization and an erasure', async () => {
    const { tenant } = w.a;
    const one = (await w.scimA('POST', '/Users', { body: newUser('gone@tenant-a.test', 'HR-0100') })).body;
    const two = (await w.scimA('POST', '/Users', { body: newUser('faded@tenant-a.test', 'HR-0101') })).body;
    const exported = await asSetup(() => w.idp.services.subjectExport.export(tenant, one.id));
    expect(exported).toMatchObject({ profile: { external_id: 'HR-0100' } });

    await asSetup(() => w.idp.services.users.delete(tenant, one.id));
    expect(await rawUser(one.id)).toBeNull();
    expect((await byExternalId(w.scimA, 'Users', 'HR-0100')).body.totalResults).toBe(0);

    await asSetup(() => w.idp.services.users.anonymize(tenant, two.id));
    const anonymized = await rawUser(two.id);
    expect(anonymized).not.toHaveProperty('externalId');
    expect(anonymized).not.toHaveProperty('externalIdHash');
    expect((await byExternalId(w.scimA, 'Users', 'HR-0101')).body.totalResults).toBe(0);
    const entry = await w.idp.db.models.changeLog.findOne({ tenantId: tenant._id, subjectId: two.id, action: 'user.anonymized' }).lean();
    expect(entry!.fields).toContain('externalId');
  });

  it('keeps a Group’s externalId, answers it, finds the group by it, and changes it with PUT and PATCH', async () => {
    const created = await w.scimA('POST', '/Groups', { body: { schemas: [GROUP_SCHEMA], displayName: 'night_shift', externalId: 'grp-7' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'night_shift', externalId: 'grp-7' });
    const found = await byExternalId(w.scimA, 'Groups', 'grp-7');
    expect(found.body.Resources.map((g: { id: string }) => g.id)).toEqual(['night_shift']);
    expect((await byExternalId(w.scimB, 'Groups', 'grp-7')).body).toMatchObject({ totalResults: 0, Resources: [] });

    const patched = await w.scimA('PATCH', '/Groups/night_shift', { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'externalId', value: 'grp-8' }] } });
    expect(patched.body.externalId).toBe('grp-8');
    expect(patched.body.meta.version).not.toBe(created.body.meta.version);
    expect((await byExternalId(w.scimA, 'Groups', 'grp-7')).body.totalResults).toBe(0);

    const replaced = await w.scimA('PUT', '/Groups/night_shift', { body: { schemas: [GROUP_SCHEMA], displayName: 'night_shift', members: [] } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).not.toHaveProperty('externalId');
    expect((await byExternalId(w.scimA, 'Groups', 'grp-8')).body.totalResults).toBe(0);
  });
});
