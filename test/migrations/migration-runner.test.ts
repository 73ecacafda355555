import { createLogger } from '../../src/observability/logger.js';
import { runWithContext } from '../../src/audit/request-context.js';
import { ChangeLogService } from '../../src/audit/change-log.service.js';
import { connectDatabase, type Database } from '../../src/db/database.js';
import { migrateAtStart } from '../../src/migrations/migrate-at-start.js';
import { IrreversibleMigrationError, MigrationFailedError, PendingMigrationsError, SchemaTooNewError } from '../../src/migrations/migration.errors.js';
import { LOCK_ORIGIN_RECORDED } from '../../src/migrations/0003-user-lock-origin.migration.js';
import { createMigrationRunner, MIGRATIONS } from '../../src/migrations/migrations.js';
import { runCli } from '../../src/cli/cli.js';
import { randomBytes } from 'node:crypto';
import { connectTestDatabase, type TestDatabase } from '../support/database.js';
import { entriesPerSubject, insertOldLockedUsers } from './support/old-shape.js';

const LABELS = ['0001-tenant-data-keys-to-registry', '0002-resource-servers-to-collection', '0003-user-lock-origin', '0004-tenant-settings-defaults'];

describe('migration runner', () => {
  let testDb: TestDatabase;
  let db: Database;
  const masterKey = randomBytes(32).toString('base64');

  beforeEach(async () => {
    testDb = await connectTestDatabase();
    db = await connectDatabase(testDb.uri);
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  async function idp(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGODB_URI: testDb.uri, IDP_MASTER_KEY: masterKey };
    const code = await runCli(argv, { env, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  }

  it('applies every migration once, records each, and a second run finds nothing to do', async () => {
    const ids = await insertOldLockedUsers(db.connection.db!, 'ten_one', 3);
    expect((await createMigrationRunner(db).status()).map((s) => [s.label, s.state])).toEqual(LABELS.map((l) => [l, 'pending']));
    expect(await createMigrationRunner(db).up()).toEqual(LABELS);
    const records = await db.models.migrations.find({}).sort({ _id: 1 }).lean();
    expect(records.map((r) => [r._id, r.state, r.attempts])).toEqual([[1, 'applied', 1], [2, 'applied', 1], [3, 'applied', 1], [4, 'applied', 1]]);
    expect(await createMigrationRunner(db).up()).toEqual([]);
    const users = await db.connection.db!.collection('users').find({}).toArray();
    expect(users.map((u) => [u._id, u.lockedBy])).toEqual(ids.map((id) => [id, 'admin']));
    expect([...(await entriesPerSubject(db.connection.db!, 'ten_one', LOCK_ORIGIN_RECORDED)).entries()]).toEqual(ids.map((id) => [id, 1]));
    const entry = await db.models.changeLog.findOne({ tenantId: 'ten_one', subjectId: ids[0] }).lean();
    expect(entry).toMatchObject({ actor: 'job:migration-0003-user-lock-origin', actorType: 'job', fields: ['lockedBy'] });
  });

  it('runs each migration once when two processes start on one database at once', async () => {
    const ids = await insertOldLockedUsers(db.connection.db!, 'ten_two', 40);
    const other = await connectDatabase(testDb.uri);
    try {
      const [a, b] = await Promise.all([createMigrationRunner(db).up(), createMigrationRunner(other).up()]);
      expect([...a, ...b].sort()).toEqual(LABELS);
    } finally {
      await other.close();
    }
    expect([...(await entriesPerSubject(db.connection.db!, 'ten_two', LOCK_ORIGIN_RECORDED)).values()]).toEqual(ids.map(() => 1));
    expect((await db.models.migrations.find({}).lean()).map((r) => r.attempts)).toEqual([1, 1, 1, 1]);
  });

  it('refuses a database a newer release migrated, at start and in every command, and says which versions', async () => {
    await createMigrationRunner(db).up();
    await db.models.migrations.insertMany([{ _id: 7, name: 'webhook-endpoints', state: 'applied', attempts: 1, startedAt: new Date(), appliedAt: new Date(), by: 'newer' }]);
    const refusal = await migrateAtStart(db, { migrate: true }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SchemaTooNewError);
    expect(refusal).toMatchObject({ status: 503, databaseVersion: 7, codeVersion: MIGRATIONS.at(-1)!.id });
    expect((refusal as Error).message).toContain('0007-webhook-endpoints');

    const up = await idp('migrate', 'up');
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("The database's schema is version 7, newer than this release's 4");
    const other = await idp('anonymize-inactive', '--dry-run');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("The database's schema is version 7, newer than this release's 4");
    const status = await idp('migrate', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Database schema version 7; this release: 4.');
    expect(status.stdout).toMatch(/unknown\s+0007-webhook-endpoints/);
  });

  it('refuses to serve a database with pending migrations when migrating at start is off', async () => {
    const refusal = await migrateAtStart(db, { migrate: false }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(PendingMigrationsError);
    expect((refusal as Error).message).toContain(LABELS.join(', '));
    expect(await db.models.migrations.countDocuments()).toBe(0);
  });

  it('`migrate` shows, applies and undoes migrations for operators', async () => {
    expect((await idp('migrate', 'status')).stdout).toMatch(/Database schema version 0; this release: 4\.\n\s+pending\s+0001-tenant-data-keys-to-registry/);
    const up = await idp('migrate', 'up');
    expect(up).toMatchObject({ code: 0, stdout: `Applied: ${LABELS.join(', ')}\n` });
    expect((await idp('migrate', 'status')).stdout).toMatch(/Database schema version 4; this release: 4\.\n\s+applied\s+0001-tenant-data-keys-to-registry  \d{4}-/);
    const down = await idp('migrate', 'down', '1');
    expect(down).toMatchObject({ code: 0, stdout: 'Undone: 0004-tenant-settings-defaults, 0003-user-lock-origin, 0002-resource-servers-to-collection\n' });
    expect((await db.models.migrations.find({}).lean()).map((r) => r._id)).toEqual([1]);
    const wrong = await idp('migrate', 'down', '4');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("below this release's 4");
    expect((await idp('migrate', 'sideways')).code).toBe(2);
  });

  it('refuses to undo a migration that cannot be undone, and undoes none of those after it either', async () => {
    const oneWay = { id: 1, name: 'one-way', summary: 'cannot be undone', safeWithOldProcesses: true, up: async () => {} };
    const undoable = { id: 2, name: 'undoable', summary: 'can be undone', safeWithOldProcesses: true, up: async () => {}, down: async () => {} };
    const runner = createMigrationRunner(db, { migrations: [oneWay, undoable] });
    await runner.up();
    const refusal = await runner.down(0).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(IrreversibleMigrationError);
    expect(refusal).toMatchObject({ status: 409 });
    expect((await db.models.migrations.find({}).lean()).map((r) => r._id)).toEqual([1, 2]);
  });

  it('leaves a failed migration interrupted, runs nothing after it, and resumes it on the next run', async () => {
    let fail = true;
    const seen: boolean[] = [];
    const flaky = { id: 1, name: 'flaky', summary: 'fails once', safeWithOldProcesses: true, up: async (ctx: { resumed: boolean }) => {
      seen.push(ctx.resumed);
      if (fail) throw new Error('disk full');
    } };
    const after = { id: 2, name: 'after', summary: 'runs after it', safeWithOldProcesses: true, up: async () => void seen.push(false) };
    const failure = await createMigrationRunner(db, { migrations: [flaky, after] }).up().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MigrationFailedError);
    expect(failure).toMatchObject({ status: 500 });
    expect((failure as Error).message).toContain('Migration 0001-flaky failed: disk full. Nothing after it ran');
    expect((await createMigrationRunner(db, { migrations: [flaky, after] }).status()).map((s) => [s.label, s.state])).toEqual([['0001-flaky', 'interrupted'], ['0002-after', 'pending']]);
    fail = false;
    expect(await createMigrationRunner(db, { migrations: [flaky, after] }).up()).toEqual(['0001-flaky', '0002-after']);
    expect(seen).toEqual([false, true, false]);
    expect((await db.models.migrations.find({}).sort({ _id: 1 }).lean()).map((r) => [r._id, r.state, r.attempts])).toEqual([[1, 'applied', 2], [2, 'applied', 1]]);
  });

  it('migrates users page after page (520: past the first page of 500), reporting each as it goes', async () => {
    const ids = await insertOldLockedUsers(db.connection.db!, 'ten_many', 520);
    const reported: number[] = [];
    const runner = createMigrationRunner(db, { onProgress: (label, done, total) => void (label === '0003-user-lock-origin' && reported.push(done, total!)) });
    await runner.up();
    expect(await db.connection.db!.collection('users').countDocuments({ tenantId: 'ten_many', lockedBy: 'admin' })).toBe(ids.length);
    expect(reported.slice(-2)).toEqual([ids.length, ids.length]);
    expect(reported.filter((_, i) => i % 2 === 0)).toEqual(ids.map((_, i) => i + 1));
    expect([...(await entriesPerSubject(db.connection.db!, 'ten_many', LOCK_ORIGIN_RECORDED)).values()].every((n) => n === 1)).toBe(true);
    expect(await db.models.changeLog.countDocuments({ tenantId: 'ten_many', action: LOCK_ORIGIN_RECORDED })).toBe(ids.length);
  }, 120_000);

  it('does not log a change twice when the killed run wrote its entry but not the change', async () => {
    const [first, second] = await insertOldLockedUsers(db.connection.db!, 'ten_gap', 2);
    const now = new Date();
    const record = (id: number, name: string, state: 'applied' | 'running') => ({ _id: id, name, state, attempts: 1, startedAt: now, by: 'killed' });
    await db.models.migrations.insertMany([record(1, 'tenant-data-keys-to-registry', 'applied'), record(2, 'resource-servers-to-collection', 'applied'), record(3, 'user-lock-origin', 'running')]);
    // What the killed run left: the entry of the first user's change, and the change not made.
    const changeLog = new ChangeLogService(db.models, { logger: createLogger('silent') });
    await runWithContext({ actor: { type: 'job', id: 'migration-0003-user-lock-origin' } }, () =>
      changeLog.append('ten_gap', { action: LOCK_ORIGIN_RECORDED, subjectType: 'user', subjectId: first!, fields: ['lockedBy'] }),
    );
    expect(await createMigrationRunner(db).up()).toEqual(['0003-user-lock-origin', '0004-tenant-settings-defaults']);
    expect(await db.connection.db!.collection('users').countDocuments({ tenantId: 'ten_gap', lockedBy: 'admin' })).toBe(2);
    expect([...(await entriesPerSubject(db.connection.db!, 'ten_gap', LOCK_ORIGIN_RECORDED)).entries()].sort()).toEqual([[first, 1], [second, 1]]);
    expect(await changeLog.verify('ten_gap')).toMatchObject({ ok: true, checked: 2 });
  });
});
