import { Writable } from 'node:stream';
import type { ChangeInput } from '../../src/audit/change-log-input.js';
import { CHANGE_LOG_SETTLE } from '../../src/privacy/privacy-jobs.js';
import { createLogger } from '../../src/observability/logger.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { startFaultyDatabase, type FaultyDatabase } from '../support/faulty-database.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/**
 * The change log announces a change before making it. When the database process dies between the entry and
 * the change, the entry claims a change that never happened: that must be heard at once (an error naming the
 * entry) and said in the log itself as soon as the database is back (a `.failed` entry referring to it), so
 * the chain stays honest without anything in it being edited or removed.
 */
describe('a change whose database dies between its entry and the change', () => {
  let faulty: FaultyDatabase;
  let idp: TestIdp;
  let fixture: TenantFixture;
  let admin: string;
  const logged: { level: number; msg: string; entryId?: string; tenantId?: string }[] = [];

  beforeAll(async () => {
    faulty = await startFaultyDatabase();
    const lines = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    });
    idp = await startTestIdp({
      database: faulty.database,
      env: { DB_SERVER_SELECTION_TIMEOUT_MS: '2000', DB_SOCKET_TIMEOUT_MS: '2000' },
      logger: createLogger('warn', lines),
    });
    fixture = await createTenantFixture(idp.services, 'acme');
    admin = await serviceToken(idp, fixture.tenant, ['tenant_admin']);
  }, 180_000);
  afterAll(async () => {
    await idp?.close();
    await faulty?.close();
  }, 60_000);

  const entriesAbout = (subjectId: string) =>
    idp.db.models.changeLog.collection.find({ tenantId: fixture.tenant._id, subjectId }).sort({ seq: 1 }).toArray();

  /** Kills the database process once, right after the entry of the next `action` was written and before its change runs. */
  function killDatabaseBefore(action: string): void {
    const { changeLog } = idp.services;
    const record = changeLog.record.bind(changeLog);
    changeLog.record = <T>(tenantId: string, change: ChangeInput, apply: () => Promise<T>) =>
      record(tenantId, change, async () => {
        if (change.action === action) {
          changeLog.record = record;
          await faulty.kill();
        }
        return apply();
      });
  }

  async function databaseBack(): Promise<void> {
    await faulty.restart();
    for (let waited = 0; waited < 30_000; waited += 250) {
      if ((await fetch(`${idp.baseUrl}/readyz`)).status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('the database did not come back');
  }

  it('answers 503, logs the unsettled entry by id at error level, and writes its .failed entry when the database is back', async () => {
    const call = adminClient(idp);
    const userPath = `/tenants/acme/users/${fixture.user.id}`;
    killDatabaseBefore('user.updated');

    const rename = await call('PATCH', userPath, admin, { name: 'Renamed Person' });
    expect(rename.status).toBe(503);
    expect(rename.headers.get('retry-after')).toBe('5');

    const unsettled = logged.find((line) => line.msg === 'change log: .failed entry not written');
    expect(unsettled).toMatchObject({ level: 50, tenantId: fixture.tenant._id, entryId: expect.stringMatching(/^chg_/) });

    await databaseBack();
    const before = await entriesAbout(fixture.user.id);
    const announced = before.at(-1)!;
    // The entry the log could not answer yet: the one the error named, claiming a rename that never happened.
    expect([announced._id, announced.action]).toEqual([unsettled!.entryId, 'user.updated']);

    // The scheduled job (which also runs at each start) settles it, under the actor of the failed change.
    const run = await idp.scheduler.runNow(CHANGE_LOG_SETTLE);
    expect(run).toEqual({ ran: true, result: { failed: 1, unconfirmed: 0, cleared: 0 } });
    const after = await entriesAbout(fixture.user.id);
    expect(after.slice(before.length).map((e) => [e.action, e.refersTo, e.actor, e.fields])).toEqual([
      ['user.updated.failed', announced._id, announced.actor, announced.fields],
    ]);
    // Nothing is left pending, the user kept the name, and the chain, grown by one entry, still verifies.
    expect(await idp.db.models.changeLogPending.collection.countDocuments({ _id: announced._id as never })).toBe(0);
    expect((await call('GET', userPath, admin)).body).toMatchObject({ name: 'Alice Andersen' });
    expect(await idp.services.changeLog.verify(fixture.tenant._id)).toMatchObject({ ok: true });
    // A second run has nothing more to say.
    expect(await idp.services.changeLog.settle()).toEqual({ failed: 0, unconfirmed: 0, cleared: 0 });
  }, 120_000);

  it('makes the change as usual once the database is back, and leaves nothing pending', async () => {
    const call = adminClient(idp);
    const rename = await call('PATCH', `/tenants/acme/users/${fixture.user.id}`, admin, { name: 'Renamed Person' });
    expect(rename.status).toBe(200);
    expect(rename.body).toMatchObject({ name: 'Renamed Person' });
    expect((await entriesAbout(fixture.user.id)).at(-1)).toMatchObject({ action: 'user.updated' });
    expect(await idp.db.models.changeLogPending.collection.countDocuments({ tenantId: fixture.tenant._id })).toBe(0);
  }, 60_000);
});
