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
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
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
    const actions = (await first.services.changeLog.entriesAbout(acme.tenant._id, stays.id)).map((e) => e.action);
    expect(actions).toEqual(['user.created', 'user.deleted', 'user.deleted.failed']);
  });
});
