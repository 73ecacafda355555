import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVE_EXTENSION } from '../../src/backup/backup-create.js';
import { SCHEDULED_BACKUP } from '../../src/backup/backup.job.js';
import { manifestPath } from '../../src/backup/manifest.js';
import { createTenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const DAY = 24 * 3600 * 1000;

/** The policy's daily backups kept 35 days, taken by the deployment itself. */
describe('scheduled backups', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp();
    await createTenantFixture(idp.services, 'acme');
  });
  afterAll(() => idp.close());

  const archives = async () => (await readdir(idp.config.backupDir)).filter((name) => name.endsWith(ARCHIVE_EXTENSION)).sort();

  it('writes a backup of every tenant, then removes those older than the retention', async () => {
    const first = await idp.scheduler.runNow(SCHEDULED_BACKUP);
    expect(first).toMatchObject({ ran: true, result: { removed: 0 } });
    const [written] = await archives();
    expect(written).toBeDefined();
    const manifest = JSON.parse(await readFile(manifestPath(join(idp.config.backupDir, written!)), 'utf8')) as { createdAt: string; collections: Record<string, number> };
    expect(manifest.collections.users).toBeGreaterThan(0);

    // The first backup is made 36 days old: the next run keeps its own and removes that one.
    manifest.createdAt = new Date(Date.now() - 36 * DAY).toISOString();
    await writeFile(manifestPath(join(idp.config.backupDir, written!)), JSON.stringify(manifest));
    const second = await idp.scheduler.runNow(SCHEDULED_BACKUP);
    expect(second).toMatchObject({ ran: true, result: { removed: 1 } });
    const left = await archives();
    expect(left).toHaveLength(1);
    expect(left[0]).not.toBe(written);
  });

  it('is not registered when the deployment takes its backups another way', async () => {
    const other = await startTestIdp({ env: { BACKUP_INTERVAL_HOURS: '0' } });
    try {
      expect(() => other.scheduler.runNow(SCHEDULED_BACKUP)).toThrow(/No scheduled job/);
    } finally {
      await other.close();
    }
  });
});
