import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegistryFile, registryPath, writeRegistryFile } from '../../src/backup/registry-file.js';
import { journalDir, TombstoneJournal } from '../../src/backup/registry-journal.js';
import { runCli } from '../../src/cli/cli.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import { rotateMasterKey } from '../../src/privacy/master-key-rotation.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { personWithDataEverywhere, SETUP_TIMEOUT_MS, type Person } from './privacy-fixture.js';

const b64 = (key: Buffer) => key.toString('base64');

async function idpCommand(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe('master key rotation', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  let idp: TestIdp;
  let acme: TenantFixture;
  let person: Person;

  beforeAll(async () => {
    idp = await startTestIdp({ masterKey: oldKey });
    acme = await createTenantFixture(idp.services, 'acme');
    await createTenantFixture(idp.services, 'globex');
    person = await personWithDataEverywhere(idp, acme, 'rotation');
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it('re-wraps every data key, private signing key and client secret, and skips them all when run again', async () => {
    const counts = await rotateMasterKey(idp.db, new MasterKey(oldKey), new MasterKey(newKey));
    const byWhat = Object.fromEntries(counts.map((c) => [c.what, c]));
    expect(byWhat['tenant_keys.wrappedDataKey']).toEqual({ what: 'tenant_keys.wrappedDataKey', rewrapped: 2, alreadyNew: 0 });
    expect(byWhat['signing_keys.sealedPrivateJwk']!.rewrapped).toBe(await idp.db.models.signingKeys.collection.countDocuments());
    expect(byWhat['clients.sealedSecret']!.rewrapped).toBe(await idp.db.models.clients.collection.countDocuments({ sealedSecret: { $type: 'string' } }));

    const again = await rotateMasterKey(idp.db, new MasterKey(oldKey), new MasterKey(newKey));
    for (const count of again) expect(count.rewrapped).toBe(0);
    expect(again.reduce((n, c) => n + c.alreadyNew, 0)).toBe(counts.reduce((n, c) => n + c.rewrapped, 0));
  });

  it('lets a process with the new key read the people, sign them in and verify client secrets', async () => {
    const next = await startTestIdp({ database: idp.testDatabase, masterKey: newKey });
    try {
      const tenant = await next.services.tenants.getBySlug('acme');
      expect(await next.services.users.getById(tenant, person.id)).toMatchObject({ email: person.values.email, phone: person.values.phone });
      const { tokens } = await signIn(await discoverClient(next.baseUrl, acme), { email: acme.user.email! });
      expect(tokens.id_token).toBeDefined();
    } finally {
      await next.close();
    }
  });

  it('leaves a process with the old key unable to read anything it wrapped', async () => {
    const stale = await startTestIdp({ database: idp.testDatabase, masterKey: oldKey });
    try {
      const tenant = await stale.services.tenants.getBySlug('acme');
      await expect(stale.services.users.getById(tenant, person.id)).rejects.toThrow(/unable to authenticate data/);
      await expect(stale.services.clients.providerMetadata(acme.tenant._id, acme.clientId)).rejects.toThrow(/unable to authenticate data/);
      expect((await fetch(`${stale.baseUrl}/t/acme/.well-known/openid-configuration`)).status).toBeGreaterThanOrEqual(500);
    } finally {
      await stale.close();
    }
  });

  it('finishes an interrupted rotation: values already under the new key are skipped, the rest re-wrapped', async () => {
    const third = randomBytes(32);
    const client = await idp.db.models.clients.collection.findOne({ tenantId: acme.tenant._id, clientId: acme.clientId });
    const before = client!.sealedSecret as string;
    await rotateMasterKey(idp.db, new MasterKey(newKey), new MasterKey(third));
    // As if the run had stopped before this one value: it is still wrapped by the previous key.
    await idp.db.models.clients.collection.updateOne({ _id: client!._id }, { $set: { sealedSecret: before } });
    const resumed = await rotateMasterKey(idp.db, new MasterKey(newKey), new MasterKey(third));
    expect(resumed.find((c) => c.what === 'clients.sealedSecret')).toMatchObject({ rewrapped: 1 });
    expect(resumed.filter((c) => c.what !== 'clients.sealedSecret').every((c) => c.rewrapped === 0)).toBe(true);
    // Back to the key the other tests of this file use.
    await rotateMasterKey(idp.db, new MasterKey(third), new MasterKey(newKey));
  });

  describe('npm run idp -- rotate-master-key', () => {
    it('reads the new key from the named environment variable, prints counts, and is idempotent', async () => {
      const latest = randomBytes(32);
      const env = { MONGODB_URI: idp.testDatabase.uri, IDP_MASTER_KEY: b64(newKey), BACKUP_DIR: idp.config.backupDir, NEXT_MASTER_KEY: b64(latest) };
      const first = await idpCommand(env, 'rotate-master-key', '--new-key-env', 'NEXT_MASTER_KEY');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/tenant_keys\.wrappedDataKey\s+re-wrapped 2, already under the new key 0/);
      expect(first.stdout).not.toContain(b64(latest));
      const second = await idpCommand(env, 'rotate-master-key', '--new-key-env', 'NEXT_MASTER_KEY');
      expect(second.stdout).toMatch(/tenant_keys\.wrappedDataKey\s+re-wrapped 0, already under the new key 2/);
      await rotateMasterKey(idp.db, new MasterKey(latest), new MasterKey(newKey));
    });

    it('re-seals the registry file beside the backups, its data keys re-wrapped, so a restore with the new key finds them', async () => {
      const latest = randomBytes(32);
      const dir = await mkdtemp(join(tmpdir(), 'idp-backups-'));
      try {
        const tenants = await idp.services.tenantKeys.all();
        await writeRegistryFile(registryPath(dir), new MasterKey(newKey), { tenants, deletedSubjects: [] });
        const erasure = { tenantId: tenants[0]!.tenantId, subjectId: 'usr_erased_since', deletedAt: new Date(), reason: 'erased' as const };
        await new TombstoneJournal(journalDir(registryPath(dir)), new MasterKey(newKey)).append([erasure]);
        const env = { MONGODB_URI: idp.testDatabase.uri, IDP_MASTER_KEY: b64(newKey), BACKUP_DIR: dir, NEXT: b64(latest) };
        const res = await idpCommand(env, 'rotate-master-key', '--new-key-env', 'NEXT');
        expect(res.stdout).toContain('Backup registry file: re-sealed under the new key.');
        const registry = await readRegistryFile(registryPath(dir), new MasterKey(latest));
        expect(registry.tenants).toHaveLength(tenants.length);
        for (const t of registry.tenants) expect(new MasterKey(latest).unwrap(t.wrappedDataKey!, `data-key:${t.tenantId}`)).toHaveLength(32);
        // The journal of erasures since the last backup is folded in, under the new key.
        expect(registry.deletedSubjects).toEqual([erasure]);
        expect(await readdir(journalDir(registryPath(dir)))).toEqual([]);
        await expect(readRegistryFile(registryPath(dir), new MasterKey(newKey))).rejects.toThrow(/does not open with this master key/);
        await rotateMasterKey(idp.db, new MasterKey(latest), new MasterKey(newKey));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('reads the new key from a file named on the command line', async () => {
      const latest = randomBytes(32);
      const dir = await mkdtemp(join(tmpdir(), 'idp-key-'));
      try {
        await writeFile(join(dir, 'next.key'), `${b64(latest)}\n`, { mode: 0o600 });
        const res = await idpCommand({ MONGODB_URI: idp.testDatabase.uri, IDP_MASTER_KEY: b64(newKey), BACKUP_DIR: idp.config.backupDir }, 'rotate-master-key', '--new-key-file', join(dir, 'next.key'));
        expect(res.code).toBe(0);
        const tenant = await idp.services.tenants.getBySlug('acme');
        expect(new MasterKey(latest).unwrap(tenant.wrappedDataKey, `data-key:${tenant._id}`)).toHaveLength(32);
        await rotateMasterKey(idp.db, new MasterKey(latest), new MasterKey(newKey));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('refuses to be called without saying where the new key is, and refuses a key that is not 32 bytes', async () => {
      const env = { MONGODB_URI: idp.testDatabase.uri, IDP_MASTER_KEY: b64(newKey), SHORT: b64(randomBytes(16)) };
      expect((await idpCommand(env, 'rotate-master-key')).code).toBe(2);
      const short = await idpCommand(env, 'rotate-master-key', '--new-key-env', 'SHORT');
      expect(short.code).toBe(1);
      expect(short.stderr).toContain('32 bytes');
      const same = await idpCommand({ ...env, SAME: b64(newKey) }, 'rotate-master-key', '--new-key-env', 'SAME');
      expect(same.code).toBe(1);
    });
  });
});
