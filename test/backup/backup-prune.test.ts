import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import { backupFileName } from '../../src/backup/backup-create.js';
import { DEFAULT_KEEP_DAYS, pruneBackups } from '../../src/backup/backup-prune.js';
import { writeArchive } from '../../src/backup/archive-writer.js';
import { writeManifest } from '../../src/backup/manifest.js';
import { MasterKey } from '../../src/crypto/master-key.js';

const DAY = 24 * 3600 * 1000;

describe('backup retention', () => {
  let dir: string;
  const masterKey = new MasterKey(randomBytes(32));
  const now = new Date('2025-06-30T02:00:00Z');

  async function backupOf(daysAgo: number): Promise<string> {
    const createdAt = new Date(now.getTime() - daysAgo * DAY);
    const file = join(dir, backupFileName(createdAt, { type: 'all' }));
    async function* items() {
      yield { type: 'collection' as const, name: 'users' };
      yield { type: 'document' as const, bson: Buffer.from(BSON.serialize({ _id: 'usr_x' })) };
    }
    await writeManifest(await writeArchive(items(), { file, kind: 'backup', scope: { type: 'all' }, secret: { type: 'master', masterKey }, createdAt }));
    return file;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-prune-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps 35 days by default and removes older backups with their manifests', async () => {
    expect(DEFAULT_KEEP_DAYS).toBe(35);
    const old = await backupOf(36);
    const recent = await backupOf(34);
    const report = await pruneBackups(dir, undefined, now);
    expect(report.removed).toEqual([old.split('/').pop()]);
    expect((await readdir(dir)).sort()).toEqual([recent.split('/').pop(), `${recent.split('/').pop()}.manifest.json`].sort());
  });

  it('keeps what --keep-days says, and removes even the newest backup once it is older', async () => {
    await backupOf(10);
    await backupOf(3);
    expect((await pruneBackups(dir, 7, now)).removed).toHaveLength(1);
    expect((await pruneBackups(dir, 2, now)).removed).toHaveLength(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves the registry file and exports alone, and clears abandoned partial files', async () => {
    await writeFile(join(dir, 'registry.sealed'), 'x');
    await mkdir(join(dir, 'exports'));
    const partial = join(dir, `${backupFileName(new Date(now.getTime() - 40 * DAY), { type: 'all' })}.partial`);
    await writeFile(partial, 'x');
    await utimes(partial, new Date(now.getTime() - 2 * DAY), new Date(now.getTime() - 2 * DAY));
    await pruneBackups(dir, 1, now);
    expect((await readdir(dir)).sort()).toEqual(['exports', 'registry.sealed']);
  });
});
