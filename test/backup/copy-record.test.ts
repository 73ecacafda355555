import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupFileName, createBackup } from '../../src/backup/backup-create.js';
import { manifestPath } from '../../src/backup/manifest.js';
import { runCli } from '../../src/cli/cli.js';
import { backupDeps } from './backup-harness.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { connectTestDatabase, type TestDatabase } from '../support/database.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

interface Entry {
  action: string;
  actor: string;
  subject_type: string;
  subject_id: string;
  fields: string[];
  counts?: Record<string, number>;
}

describe('copies of a tenant’s data in its change log', () => {
  const masterKey = randomBytes(32);
  let dir: string;
  let idp: TestIdp;
  let acme: TenantFixture;
  let beta: TenantFixture;
  let empty: TestDatabase;
  const closing: TestIdp[] = [];

  const idpCommand = async (uri: string, ...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGODB_URI: uri, IDP_MASTER_KEY: masterKey.toString('base64'), BACKUP_DIR: dir, STAGING_KEY: randomBytes(32).toString('base64') };
    const code = await runCli(argv, { env, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${stderr}`);
    return stdout;
  };
  /** What the tenant's auditor reads: the entries of one kind, newest first. */
  const copies = async (at: TestIdp, fixture: TenantFixture, action: string): Promise<Entry[]> => {
    const token = await serviceToken(at, (await at.services.tenants.getBySlug(fixture.tenant.slug))!, ['auditor']);
    const res = await adminClient(at)('GET', `/tenants/${fixture.tenant.slug}/change-log?action=${action}`, token);
    expect(res.status).toBe(200);
    return res.body.items;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-copies-'));
    idp = await startTestIdp({ masterKey, env: { BACKUP_DIR: dir } });
    acme = await createTenantFixture(idp.services, 'acme');
    beta = await createTenantFixture(idp.services, 'beta');
    await asSetup(() => idp.services.users.create(acme.tenant, { email: 'bob@acme.test', name: 'Bob Berg' }));
    empty = await connectTestDatabase();
  });
  afterAll(async () => {
    for (const other of closing) await other.close();
    await idp.close();
    await empty.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells every tenant of a backup of all of them, with its counts and no personal value', async () => {
    await idpCommand(idp.testDatabase.uri, 'backup', 'create');
    const [entry] = await copies(idp, acme, 'backup.created');
    expect(entry).toMatchObject({ actor: 'job:cli-backup', subject_type: 'tenant', subject_id: acme.tenant._id });
    expect(entry!.counts).toMatchObject({ tenants: 1, users: 2, clients: expect.any(Number), door_permissions: 2 });
    expect(entry!.fields).toEqual(expect.arrayContaining(['tenants', 'users', 'change_log']));
    expect((await copies(idp, beta, 'backup.created'))[0]!.counts).toMatchObject({ tenants: 1, users: 1 });
    expect(JSON.stringify(entry)).not.toMatch(/alice@|bob@|Berg|Andersen/);
  });

  it('tells no one of a backup that could not be completed, and keeps no file of it', async () => {
    const now = new Date('2031-05-06T07:08:09.123Z');
    const file = join(dir, backupFileName(now, { type: 'tenant', tenantId: beta.tenant._id, slug: 'beta' }));
    // Where its manifest goes, a folder already stands: the archive is written whole, its manifest cannot be.
    await mkdir(join(manifestPath(file), 'in-the-way'), { recursive: true });
    const before = (await readdir(dir)).sort();
    const told = (await copies(idp, beta, 'backup.created')).length;

    await expect(asSetup(() => createBackup(backupDeps(idp), { dir, tenantSlug: 'beta', now }))).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/) });
    expect((await readdir(dir)).sort()).toEqual(before);
    expect(await copies(idp, beta, 'backup.created')).toHaveLength(told);
    await rm(manifestPath(file), { recursive: true });
  });

  it('tells only the tenant a one-tenant backup holds', async () => {
    await idpCommand(idp.testDatabase.uri, 'backup', 'create', '--tenant', 'beta');
    expect(await copies(idp, beta, 'backup.created')).toHaveLength(2);
    expect(await copies(idp, acme, 'backup.created')).toHaveLength(1);
  });

  it('tells each tenant of a staging copy made of its data, in production’s change log', async () => {
    const backup = (await readdir(dir)).find((f) => f.endsWith('-all.idparch'))!;
    await idpCommand(idp.testDatabase.uri, 'backup', 'anonymize', backup, join(dir, 'staging.copy'), '--staging-key-env', 'STAGING_KEY');
    const [entry] = await copies(idp, acme, 'backup.staging_copy_created');
    expect(entry).toMatchObject({ subject_id: acme.tenant._id, counts: { tenants: 1, users: 2 } });
    expect(entry!.fields).not.toContain('change_log');
  });

  it('tells each tenant restored of the restore, in the restored change log, whose chain still verifies', async () => {
    const backup = (await readdir(dir)).find((f) => f.endsWith('-all.idparch'))!;
    await idpCommand(empty.uri, 'backup', 'restore', backup);
    const restored = await startTestIdp({ database: empty, masterKey, env: { BACKUP_DIR: dir } });
    closing.push(restored);
    const [entry] = await copies(restored, acme, 'backup.restored');
    expect(entry).toMatchObject({ actor: 'job:cli-backup', subject_id: acme.tenant._id, counts: { tenants: 1, users: 2 } });
    // The backup's own entry was written after it was taken, so the backup does not hold it.
    expect(await copies(restored, acme, 'backup.created')).toHaveLength(0);
    expect(await restored.services.changeLog.verify(acme.tenant._id)).toMatchObject({ ok: true });
  });
});
