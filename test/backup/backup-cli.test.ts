import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli.js';
import { connectTestDatabase } from '../support/database.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { TsProcess } from '../support/ts-process.js';

const STACK_TRACE = /\n\s+at [\w.<>]+ \(|node_modules|\.ts:\d+/;

describe('npm run idp -- backup', () => {
  const masterKey = randomBytes(32);
  let dir: string;
  let idp: TestIdp;
  let env: Record<string, string>;
  let acme: TenantFixture;

  const idpCommandWith = async (overrides: Record<string, string>, ...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { env: { ...env, ...overrides }, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  };
  const idpCommand = (...argv: string[]) => idpCommandWith({}, ...argv);
  const backupsRecorded = () => idp.db.models.changeLog.countDocuments({ tenantId: acme.tenant._id, action: 'backup.created' });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-backup-cli-'));
    idp = await startTestIdp({ masterKey, env: { BACKUP_DIR: dir } });
    acme = await createTenantFixture(idp.services, 'acme');
    await createTenantFixture(idp.services, 'beta');
    env = {
      NODE_ENV: 'test',
      MONGODB_URI: idp.testDatabase.uri,
      IDP_MASTER_KEY: masterKey.toString('base64'),
      BACKUP_DIR: dir,
      LOG_LEVEL: 'silent',
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_TIME_COST: '1',
      STAGING_KEY: randomBytes(32).toString('base64'),
    };
  });
  afterAll(async () => {
    await idp.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a backup in BACKUP_DIR and reports its checksum and counts', async () => {
    const res = await idpCommand('backup', 'create');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Backup written: .*backup-.*-all\.idparch/);
    expect(res.stdout).toMatch(/sha256 [0-9a-f]{64}/);
    expect(res.stdout).toMatch(/users\s+2/);
    const tenant = await idpCommand('backup', 'create', '--tenant', 'beta', '--compression', 'br');
    expect(tenant.code).toBe(0);
    expect(tenant.stdout).toMatch(/tenant-beta\.idparch/);
    expect((await readdir(dir)).filter((f) => f.endsWith('.manifest.json'))).toHaveLength(2);
  });

  it('refuses a master key that is not the deployment\'s before writing anything: no archive, manifest or change-log entry', async () => {
    const files = await readdir(dir);
    const recorded = await backupsRecorded();
    const wrong = await idpCommandWith({ IDP_MASTER_KEY: randomBytes(32).toString('base64') }, 'backup', 'create');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/does not open the data keys of \d+ of \d+ tenant\(s\).*Nothing was written/);
    expect(wrong.stderr).not.toMatch(STACK_TRACE);
    expect((await readdir(dir)).sort()).toEqual(files.sort());
    expect(await backupsRecorded()).toBe(recorded);
  });

  it('refuses to add a backup beside backups sealed with another master key', async () => {
    const other = await connectTestDatabase();
    try {
      const files = await readdir(dir);
      const res = await idpCommandWith({ MONGODB_URI: other.uri, IDP_MASTER_KEY: randomBytes(32).toString('base64') }, 'backup', 'create');
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/registry.* does not open with this master key.*not the key the backups here are sealed with/);
      expect((await readdir(dir)).sort()).toEqual(files.sort());
    } finally {
      await other.drop();
    }
  });

  it('keeps nothing of a backup the folder has no room for: no partial file, no manifest, no change-log entry', async () => {
    const files = await readdir(dir);
    const recorded = await backupsRecorded();
    // `npm run idp -- backup create` as its own process, every file write of which finds no room.
    const command = TsProcess.start('src/cli/main.ts', env, { noRoomInFiles: true, args: ['backup', 'create'] });
    expect(await command.exitCode()).toBe(1);
    expect(command.output).toMatch(/No room to write in .* \(EFBIG\): nothing of this was kept/);
    expect(command.output).not.toMatch(STACK_TRACE);
    expect((await readdir(dir)).sort()).toEqual(files.sort());
    expect(await backupsRecorded()).toBe(recorded);
  });

  it('restores by file name, refusing a target that is not empty unless forced, without a stack trace', async () => {
    const name = (await readdir(dir)).find((f) => f.endsWith('-all.idparch'))!;
    const refused = await idpCommand('backup', 'restore', name);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');
    expect(refused.stderr).not.toMatch(STACK_TRACE);
    const forced = await idpCommand('backup', 'restore', name, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/Documents restored:[\s\S]*users\s+2/);
  });

  it('makes a staging copy under a key named by an environment variable, never one given as an argument', async () => {
    const name = (await readdir(dir)).find((f) => f.endsWith('-all.idparch'))!;
    const out = join(dir, 'staging-copy.idparch');
    const res = await idpCommand('backup', 'anonymize', name, out, '--staging-key-env', 'STAGING_KEY');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('password: Staging-Password-1');
    expect(existsSync(out)).toBe(true);
    expect((await idpCommand('backup', 'anonymize', name, join(dir, 'other.idparch'), '--staging-key', 'x')).code).toBe(2);
    const own = await idpCommand('backup', 'anonymize', name, join(dir, 'own.idparch'), '--staging-key-env', 'IDP_MASTER_KEY');
    expect(own.code).toBe(1);
    expect(own.stderr).toContain("this environment's own master key");
  });

  it('terminates a tenant, printing the export key once', async () => {
    const exported = join(dir, 'beta-export.idparch');
    const res = await idpCommand('tenant', 'terminate', 'beta', '--export', exported);
    expect(res.code).toBe(0);
    const key = /export key: (\S+)/.exec(res.stdout)?.[1];
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(existsSync(exported)).toBe(true);
    expect(await idp.services.tenants.findBySlug('beta')).toBeNull();
    expect((await idpCommand('tenant', 'terminate', 'beta')).code).toBe(2);
  });

  it('prunes, and answers wrong usage with exit status 2', async () => {
    const res = await idpCommand('backup', 'prune', '--keep-days', '35');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Kept \d+ backup\(s\) of the last 35 days; removed 0/);
    expect((await idpCommand('backup', 'prune', '--keep-days', 'soon')).code).toBe(2);
    expect((await idpCommand('backup', 'frobnicate')).code).toBe(2);
    expect((await idpCommand('backup', 'restore')).code).toBe(2);
  });
});
