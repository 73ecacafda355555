import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackup } from '../../src/backup/backup-create.js';
import { restoreBackup } from '../../src/backup/backup-restore.js';
import { readRegistryFile, registryPath } from '../../src/backup/registry-file.js';
import { journalDir } from '../../src/backup/registry-journal.js';
import type { User } from '../../src/users/user.service.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import * as client from 'openid-client';
import { freePort } from '../../src/db/launcher/server-process.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { eventually } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { TsProcess } from '../support/ts-process.js';
import { backupDeps, restart } from './backup-harness.js';

describe('erasures made after the last backup, when the database is then lost', () => {
  const masterKey = randomBytes(32);
  let dir: string;
  let first: TestIdp;
  let second: TestIdp;
  let lost: TestIdp | undefined;
  let acme: TenantFixture;
  let backup: string;
  const erased: User[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-journal-'));
    first = await startTestIdp({ masterKey, env: { BACKUP_DIR: dir } });
    acme = await createTenantFixture(first.services, 'acme');
    for (let i = 0; i < 6; i++) {
      erased.push(await asSetup(() => first.services.users.create(acme.tenant, { email: `gone-${i}@acme.test`, name: `Gone ${i}`, password: PASSWORD, emailVerified: true })));
    }
    ({ file: backup } = await asSetup(() => createBackup(backupDeps(first), { dir })));
    // Another process of the same deployment: same database, same BACKUP_DIR.
    second = await restart(first, masterKey);
  });
  afterAll(async () => {
    await lost?.close();
    await second.close();
    await first.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps out people erased by two processes at once when an earlier backup is restored into an empty database', async () => {
    await Promise.all(erased.map((user, i) => asSetup(() => (i % 2 ? second : first).services.users.delete(acme.tenant, user.id))));
    expect(await readdir(journalDir(registryPath(dir)))).toHaveLength(erased.length);

    // The database is lost whole, its deleted-subjects list with it; no backup was taken since the erasures.
    lost = await startTestIdp({ masterKey, env: { BACKUP_DIR: dir } });
    expect(await lost.db.models.deletedSubjects.estimatedDocumentCount()).toBe(0);
    const report = await asSetup(() => restoreBackup(backupDeps(lost!), { file: backup, registryFile: registryPath(dir) }));

    expect(report.skipped.users).toBe(erased.length);
    const tenant = await lost.services.tenants.getBySlug('acme');
    for (const user of erased) {
      expect(await lost.services.users.findById(tenant, user.id)).toBeNull();
      expect(await lost.db.models.deletedSubjects.exists({ tenantId: tenant._id, subjectId: user.id })).toBeTruthy();
    }
    const config = await discoverClient(lost.baseUrl, acme);
    await expect(signIn(config, { email: erased[0]!.email! })).rejects.toThrow(/\/interaction\/[\w-]+\/login answered 400:/);
    expect((await signIn(config, { email: acme.user.email! })).tokens.claims()!.sub).toBe(acme.user.id);
  });

  it('folds the journal into the registry file at the next backup, which then holds every one of them', async () => {
    await asSetup(() => createBackup(backupDeps(first), { dir }));
    expect(await readdir(journalDir(registryPath(dir)))).toEqual([]);
    const registry = await readRegistryFile(registryPath(dir), first.masterKey);
    const ids = registry.deletedSubjects.map((t) => t.subjectId);
    for (const user of erased) expect(ids).toContain(user.id);
  });

  it('refuses an erasure that cannot reach the journal, leaving the person and a .failed entry', async () => {
    const stays = await asSetup(() => first.services.users.create(acme.tenant, { email: 'stays@acme.test', name: 'Stays' }));
    const blocked = await startTestIdp({ database: first.testDatabase, masterKey, env: { BACKUP_DIR: join(dir, backup.split('/').pop()!, 'not-a-folder') } });
    try {
      await expect(asSetup(() => blocked.services.users.delete(acme.tenant, stays.id))).rejects.toMatchObject({ code: 'ENOTDIR' });
    } finally {
      await blocked.close();
    }
    expect(await first.services.users.findById(acme.tenant, stays.id)).not.toBeNull();
    expect(await first.db.models.deletedSubjects.exists({ tenantId: acme.tenant._id, subjectId: stays.id })).toBeNull();
    const actions = (await first.services.changeLog.entriesAbout(acme.tenant._id, stays.id)).map((e) => e.action);
    expect(actions).toEqual(['user.created', 'user.deleted', 'user.deleted.failed']);
  });

  it('answers 507 to an erasure when the backup folder has no room, changing nothing, and erases once there is room', async () => {
    const stays = await asSetup(() => first.services.users.create(acme.tenant, { email: 'full@acme.test', name: 'Full Disk', password: PASSWORD, emailVerified: true }));
    const app = await discoverClient(first.baseUrl, acme);
    const { tokens } = await signIn(app, { email: 'full@acme.test' });
    const journal = journalDir(registryPath(dir));
    const entries = () => readdir(journal).catch(() => [] as string[]);
    const before = await entries();

    // The server (src/main.ts) as a process whose every file write finds no room: its BACKUP_DIR is full.
    const port = await freePort();
    const full = TsProcess.start(
      'src/main.ts',
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        MONGODB_URI: first.testDatabase.uri,
        IDP_MASTER_KEY: masterKey.toString('base64'),
        BACKUP_DIR: dir,
        SCHEDULER_INTERVAL_MS: '0',
      },
      { noRoomInFiles: true },
    );
    try {
      const served = { ...first, baseUrl: `http://127.0.0.1:${port}` } as TestIdp;
      await eventually(async () => (await fetch(`${served.baseUrl}/healthz`).catch(() => undefined))?.status === 200 || !full.running, 60_000, 'the server process to serve');
      expect({ running: full.running, output: full.output }).toMatchObject({ running: true });
      const token = await serviceToken(served, acme.tenant, ['user_manager']);
      const res = await adminClient(served)('DELETE', `/tenants/acme/users/${stays.id}`, token);

      expect(res.status).toBe(507);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'urn:doorway:problem:insufficient-storage', title: 'Insufficient Storage', status: 507, detail: expect.stringContaining('nothing was changed') });
      expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    } finally {
      await full.kill();
    }
    // Nothing of it happened: no journal file (not even an empty one), no tombstone, the person and their sign-in intact.
    expect((await entries()).sort()).toEqual(before.sort());
    expect(await first.db.models.deletedSubjects.exists({ tenantId: acme.tenant._id, subjectId: stays.id })).toBeNull();
    expect(await first.services.users.findById(acme.tenant, stays.id)).toMatchObject({ email: 'full@acme.test' });
    expect((await client.refreshTokenGrant(app, tokens.refresh_token!)).claims()).toMatchObject({ sub: stays.id });
    const actions = (await first.services.changeLog.entriesAbout(acme.tenant._id, stays.id)).map((e) => e.action);
    expect(actions).toEqual(['user.created', 'user.deleted', 'user.deleted.failed']);

    // With room again, the same erasure goes through whole.
    await asSetup(() => first.services.users.delete(acme.tenant, stays.id));
    expect(await entries()).toHaveLength(before.length + 1);
    expect(await first.db.models.deletedSubjects.exists({ tenantId: acme.tenant._id, subjectId: stays.id })).toBeTruthy();
    expect(await first.services.users.findById(acme.tenant, stays.id)).toBeNull();
  });
});
