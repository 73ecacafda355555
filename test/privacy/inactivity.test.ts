import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { runCli } from '../../src/cli/cli.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import type { User } from '../../src/users/user.service.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn, type SignedIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { SETUP_TIMEOUT_MS } from './privacy-fixture.js';

const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

describe('anonymization after inactivity', () => {
  const masterKey = randomBytes(32);
  let idp: TestIdp;
  let acme: TenantFixture;
  let globex: TenantFixture;
  const people: Record<string, User> = {};
  let oldSession: SignedIn;

  async function person(tenant: TenantDoc, key: string, options: { lastActiveDaysAgo?: number; createdDaysAgo?: number } = {}): Promise<User> {
    const user = await asSetup(() =>
      idp.services.users.create(tenant, { email: `${key}@${tenant.slug}.test`, name: `Person ${key}`, phone: '+45 12345678', password: PASSWORD, roles: ['employee'] }),
    );
    // The past is written into the documents, never waited for.
    if (options.createdDaysAgo) await idp.db.models.users.collection.updateOne({ _id: user.id as never }, { $set: { createdAt: daysAgo(options.createdDaysAgo) } });
    if (options.lastActiveDaysAgo) await setLastActive(tenant, user.id, options.lastActiveDaysAgo);
    return (people[key] = user);
  }

  async function setLastActive(tenant: TenantDoc, id: string, days: number): Promise<void> {
    await idp.db.models.users.updateOne({ tenantId: tenant._id, _id: id }, { $set: { lastActiveAt: daysAgo(days) } }, { timestamps: false });
  }

  async function idpCommand(...argv: string[]) {
    let stdout = '';
    const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGODB_URI: idp.testDatabase.uri, IDP_MASTER_KEY: masterKey.toString('base64'), BACKUP_DIR: idp.config.backupDir };
    const code = await runCli(argv, { env, stdout: (t) => void (stdout += t), stderr: () => {} });
    return { code, stdout };
  }

  const raw = (tenant: TenantDoc, id: string) => idp.db.models.users.findOne({ tenantId: tenant._id, _id: id }).lean();

  beforeAll(async () => {
    idp = await startTestIdp({ masterKey });
    acme = await createTenantFixture(idp.services, 'acme');
    globex = await createTenantFixture(idp.services, 'globex');
    await asSetup(() => idp.services.tenants.update(globex.tenant._id, { settings: { inactivityDays: 30 } }));
    await person(acme.tenant, 'old');
    oldSession = await signIn(await discoverClient(idp.baseUrl, acme), { email: 'old@acme.test' });
    await setLastActive(acme.tenant, people.old!.id, 800);
    await asSetup(() => idp.services.mfa.issueRecoveryCodes(acme.tenant, people.old!.id));
    const lab = await idp.services.doors.getByKey(acme.tenant._id, 'lab');
    await asSetup(() => idp.services.doorPermissions.grant(acme.tenant._id, { doorId: lab._id, holderType: 'user', holderId: people.old!.id }));
    // An opening their lock reported long ago (the lock itself does not matter here).
    await idp.db.models.accessEvents.create({ _id: 'aev_inactivity-spec', tenantId: acme.tenant._id, lockId: 'lck_none', doorId: lab._id, subjectId: people.old!.id, eventId: 'e-1', at: daysAgo(300), result: 'opened', reason: null, method: 'card' });
    await person(acme.tenant, 'never-signed-in', { createdDaysAgo: 900 });
    await person(acme.tenant, 'recent', { lastActiveDaysAgo: 60, createdDaysAgo: 900 });
    await person(acme.tenant, 'restricted', { lastActiveDaysAgo: 800 });
    await asSetup(() => idp.services.users.setStatus(acme.tenant, people.restricted!.id, { from: ['active'], to: 'restricted', action: 'user.restricted' }));
    await person(globex.tenant, 'month-away', { lastActiveDaysAgo: 60 });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it('lists, in a dry run, who would be anonymized by id and last activity, changing nothing and naming nobody', async () => {
    const { code, stdout } = await idpCommand('anonymize-inactive', '--dry-run');
    expect(code).toBe(0);
    for (const key of ['old', 'never-signed-in', 'month-away']) expect(stdout).toContain(people[key]!.id);
    for (const key of ['recent', 'restricted']) expect(stdout).not.toContain(people[key]!.id);
    expect(stdout).not.toContain(acme.user.id);
    expect(stdout).not.toMatch(/@|Person /);
    expect(stdout).toContain('acme (inactive after 730 days): 2 user(s)');
    expect(stdout).toContain('globex (inactive after 30 days): 1 user(s)');
    const old = (await raw(acme.tenant, people.old!.id))!;
    expect(stdout).toContain(`${old._id}  last activity ${old.lastActiveAt!.toISOString()}`);
    expect(old.status).toBe('active');
  });

  describe('the scheduled job', () => {
    let first: Awaited<ReturnType<TestIdp['scheduler']['runNow']>>;

    beforeAll(async () => {
      first = await idp.scheduler.runNow('anonymize-inactive');
    });

    it("anonymizes everyone inactive longer than their tenant's period, and no one else", async () => {
      expect(first).toEqual({ ran: true, result: { anonymized: 3 } });
      expect((await raw(acme.tenant, people.old!.id))!.status).toBe('anonymized');
      expect((await raw(acme.tenant, people['never-signed-in']!.id))!.status).toBe('anonymized');
      expect((await raw(globex.tenant, people['month-away']!.id))!.status).toBe('anonymized');
      expect((await raw(acme.tenant, people.recent!.id))!.status).toBe('active');
      expect((await raw(acme.tenant, acme.user.id))!.status).toBe('active');
    });

    it('leaves a restricted user as they are: restriction asks for the data to be kept', async () => {
      expect(await raw(acme.tenant, people.restricted!.id)).toMatchObject({ status: 'restricted', email: expect.any(String) });
    });

    it('removes the personal fields, blind index and password hash, and keeps the id, times and status', async () => {
      const doc = (await raw(acme.tenant, people.old!.id))!;
      for (const field of ['email', 'emailHash', 'name', 'givenName', 'familyName', 'phone', 'passwordHash', 'locale']) expect(doc).not.toHaveProperty(field);
      expect(doc).toMatchObject({ _id: people.old!.id, status: 'anonymized', roles: [], createdAt: expect.any(Date), lastActiveAt: expect.any(Date) });
      expect(await idp.services.users.list(acme.tenant, { email: 'old@acme.test', limit: 5 })).toMatchObject({ items: [] });
    });

    it('ends their sessions and tokens, removes their second factors and ends their door grants', async () => {
      await expect(client.refreshTokenGrant(oldSession.config, oldSession.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      expect(await idp.db.models.mfaFactors.countDocuments({ tenantId: acme.tenant._id, userId: people.old!.id })).toBe(0);
      const grants = await idp.db.models.doorPermissions.find({ tenantId: acme.tenant._id, holderType: 'user', holderId: people.old!.id }).lean();
      expect(grants).toEqual([expect.objectContaining({ revokedBy: 'job:anonymize-inactive', revokedAt: expect.any(Date) })]);
    });

    it('keeps their access events for the counts, with no link to them', async () => {
      const event = await idp.db.models.accessEvents.findOne({ tenantId: acme.tenant._id, _id: 'aev_inactivity-spec' }).lean();
      expect(event).toMatchObject({ subjectId: null, result: 'opened' });
    });

    it('records each anonymization under the job, with field names only, and keeps the history about the id', async () => {
      const entries = await idp.services.changeLog.entriesAbout(acme.tenant._id, people.old!.id);
      const anonymized = entries.filter((e) => e.action === 'user.anonymized');
      expect(anonymized).toEqual([expect.objectContaining({ actor: 'job:anonymize-inactive', actorType: 'job' })]);
      expect(anonymized[0]!.fields).toEqual(expect.arrayContaining(['email', 'name', 'phone', 'passwordHash', 'status']));
      expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['user.created', 'door_permission.granted']));
      expect(await idp.db.models.deletedSubjects.findOne({ tenantId: acme.tenant._id, subjectId: people.old!.id }).lean()).toMatchObject({ reason: 'anonymized' });
    });

    it('changes nothing when run again, from the scheduler or the command line', async () => {
      const logBefore = await idp.db.models.changeLog.countDocuments({ tenantId: acme.tenant._id });
      expect(await idp.scheduler.runNow('anonymize-inactive')).toEqual({ ran: true, result: { anonymized: 0 } });
      const cli = await idpCommand('anonymize-inactive');
      expect(cli).toEqual({ code: 0, stdout: '0 user(s) anonymized.\n' });
      expect(await idp.db.models.changeLog.countDocuments({ tenantId: acme.tenant._id })).toBe(logBefore);
    });
  });
});
