import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { checkpointDir } from '../../src/audit/change-log-checkpoint-file.js';
import { createBackup } from '../../src/backup/backup-create.js';
import { restoreBackup } from '../../src/backup/backup-restore.js';
import { ArchiveError } from '../../src/backup/archive-format.js';
import { rawDb } from '../../src/backup/collections.js';
import { manifestPath } from '../../src/backup/manifest.js';
import { registryPath } from '../../src/backup/registry-file.js';
import { ConflictError } from '../../src/errors/http-errors.js';
import type { User } from '../../src/users/user.service.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { backupDeps, countAll, loseData, restart } from './backup-harness.js';

describe('backups and restores', () => {
  const masterKey = randomBytes(32);
  let dir: string;
  let idp: TestIdp;
  let acme: TenantFixture;
  let beta: TenantFixture;
  const started: TestIdp[] = [];

  const restoreInto = (target: TestIdp, file: string, force = false) =>
    asSetup(() => restoreBackup(backupDeps(target), { file, registryFile: registryPath(dir), force }));
  const person = (fixture: TenantFixture, email: string, name: string) =>
    asSetup(() => idp.services.users.create(fixture.tenant, { email, name, password: PASSWORD, emailVerified: true, roles: ['employee'] }));
  const signInAt = async (target: TestIdp, fixture: TenantFixture, user: User) => signIn(await discoverClient(target.baseUrl, fixture), { email: user.email! });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-backups-'));
    idp = await startTestIdp({ masterKey, env: { BACKUP_DIR: dir } });
    acme = await createTenantFixture(idp.services, 'acme');
    beta = await createTenantFixture(idp.services, 'beta');
  });
  afterAll(async () => {
    for (const other of started) await other.close();
    await idp.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an encrypted archive with a manifest of counts and checksums that names no person', async () => {
    const counts = await countAll(idp.db);
    const { file, manifest } = await asSetup(() => createBackup(backupDeps(idp), { dir }));
    const bytes = await readFile(file);
    expect(manifest).toMatchObject({ formatVersion: 1, kind: 'backup', scope: { type: 'all' }, keyType: 'master', bytes: bytes.length });
    expect(manifest.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(Date.parse(manifest.createdAt)).not.toBeNaN();
    expect(manifest.collections).toEqual(counts);
    expect(manifest.collections.users).toBeGreaterThanOrEqual(2);
    expect(manifest.collections).not.toHaveProperty('tenant_keys');
    const manifestText = await readFile(manifestPath(file), 'utf8');
    for (const value of ['alice@acme.test', 'Alice Andersen', acme.user.id]) {
      expect(manifestText).not.toContain(value);
      expect(bytes.includes(value)).toBe(false);
    }
  });

  it('brings back everything into an empty database: people sign in, and tokens issued before verify with the restored keys', async () => {
    const before = await signInAt(idp, acme, acme.user);
    const expected = await countAll(idp.db);
    const { file } = await asSetup(() => createBackup(backupDeps(idp), { dir }));
    await loseData(idp.db);

    const report = await restoreInto(idp, file);
    expect(report.restored).toEqual(expected);
    expect(report.skipped).toEqual({});
    const after = await restart(idp, masterKey);
    started.push(after);
    const issuer = `${idp.baseUrl}/t/acme`;
    const jwks = createRemoteJWKSet(new URL(`${after.baseUrl}/t/acme/jwks`));
    await expect(jwtVerify(before.tokens.id_token!, jwks, { issuer, audience: acme.clientId })).resolves.toMatchObject({ payload: { sub: acme.user.id } });
    const { config, tokens } = await signInAt(after, beta, beta.user);
    expect(tokens.claims()!.sub).toBe(beta.user.id);
    expect((await client.fetchUserInfo(config, tokens.access_token, beta.user.id)).email).toBe('alice@beta.test');
  });

  it('never brings back a person erased after the backup: every document of theirs is left out and counted', async () => {
    const carol = await person(acme, 'carol@acme.test', 'Carol Christensen');
    const bob = await person(acme, 'bob@acme.test', 'Bob Berg');
    const door = await asSetup(() => idp.services.doors.create(acme.tenant._id, { key: 'carols-office', name: 'Office' }));
    await asSetup(() => idp.services.doorPermissions.grant(acme.tenant._id, { doorId: door._id, holderType: 'user', holderId: carol.id }));
    await signInAt(idp, acme, carol);
    const carolsSessions = await idp.db.models.oidcEntries.countDocuments({ tenantId: acme.tenant._id, accountId: carol.id });
    expect(carolsSessions).toBeGreaterThan(0);
    const { file } = await asSetup(() => createBackup(backupDeps(idp), { dir }));

    await asSetup(() => idp.services.users.delete(acme.tenant, carol.id));
    await loseData(idp.db);
    const report = await restoreInto(idp, file);

    expect(report.skipped.users).toBe(1);
    expect(report.skipped.oidc_entries).toBe(carolsSessions);
    expect(report.altered.door_permissions).toBe(1);
    expect(await idp.services.users.findById(acme.tenant, carol.id)).toBeNull();
    expect(await idp.db.models.oidcEntries.countDocuments({ tenantId: acme.tenant._id, accountId: carol.id })).toBe(0);
    // Door history keeps naming the id, as the erasure left it: ended, never open again.
    const grants = await idp.db.models.doorPermissions.find({ tenantId: acme.tenant._id, holderType: 'user', holderId: carol.id }).lean();
    expect(grants.every((g) => g.revokedAt)).toBe(true);
    expect(await idp.db.models.deletedSubjects.exists({ tenantId: acme.tenant._id, subjectId: carol.id })).toBeTruthy();

    const after = await restart(idp, masterKey);
    started.push(after);
    // The login form refuses the credentials (400); an error anywhere else, a 500 included, would not match.
    await expect(signInAt(after, acme, carol)).rejects.toThrow(/\/interaction\/[\w-]+\/login answered 400:/);
    expect((await signInAt(after, acme, bob)).tokens.claims()!.sub).toBe(bob.id);
  });

  it('restores a database lost whole from the registry file: keys of live tenants, tombstones of the last backup', async () => {
    const dave = await person(beta, 'dave@beta.test', 'Dave Dahl');
    const { file } = await asSetup(() => createBackup(backupDeps(idp), { dir }));
    await asSetup(() => idp.services.users.delete(beta.tenant, dave.id));
    // A later backup (of any scope) leaves the registry file up to date with the erasure.
    await asSetup(() => createBackup(backupDeps(idp), { dir, tenantSlug: 'acme' }));

    const lost = await startTestIdp({ masterKey, env: { BACKUP_DIR: dir } });
    started.push(lost);
    expect(await lost.db.models.tenantKeys.countDocuments({ tenantId: beta.tenant._id })).toBe(0);
    const report = await restoreInto(lost, file);
    expect(report.skipped.users).toBe(1);
    expect(await lost.services.users.findById((await lost.services.tenants.getBySlug('beta'))!, dave.id)).toBeNull();
    const { config, tokens } = await signInAt(lost, beta, beta.user);
    expect((await client.fetchUserInfo(config, tokens.access_token, beta.user.id)).email).toBe('alice@beta.test');
  });

  it('refuses a target that is not empty, and replaces its data when forced', async () => {
    const { file, manifest } = await asSetup(() => createBackup(backupDeps(idp), { dir }));
    await expect(restoreInto(idp, file)).rejects.toThrow(ConflictError);
    const report = await restoreInto(idp, file, true);
    expect(report.restored.users).toBe(manifest.collections.users);
    // What the backup held, and one entry per tenant in the change log telling of the restore.
    const tenants = manifest.collections.tenants!;
    expect(await countAll(idp.db)).toEqual({ ...manifest.collections, change_log: manifest.collections.change_log! + tenants });
  });

  it('fails on a damaged or truncated file before writing anything', async () => {
    const { file, manifest } = await asSetup(() => createBackup(backupDeps(idp), { dir }));
    const damaged = join(dir, 'damaged.idparch');
    await loseData(idp.db);
    const empty = await countAll(idp.db);
    expect(empty.users).toBe(0);
    for (const cut of [manifest.bytes - 10, Math.floor(manifest.bytes / 2)]) {
      await copyFile(file, damaged);
      await copyFile(manifestPath(file), manifestPath(damaged));
      await truncate(damaged, cut);
      await expect(restoreInto(idp, damaged)).rejects.toThrow(ArchiveError);
      expect(await countAll(idp.db)).toEqual(empty);
    }
    await restoreInto(idp, file);
  });

  it('restores one tenant beside the others, and only into a place that tenant does not occupy', async () => {
    const { file, manifest } = await asSetup(() => createBackup(backupDeps(idp), { dir, tenantSlug: 'beta' }));
    expect(manifest.scope).toEqual({ type: 'tenant', tenantId: beta.tenant._id, slug: 'beta' });
    expect(manifest.collections.tenants).toBe(1);
    await expect(restoreInto(idp, file)).rejects.toThrow(/tenant beta/);
    const acmeUsers = await idp.db.models.users.countDocuments({ tenantId: acme.tenant._id });
    for (const name of Object.keys(manifest.collections)) {
      await rawDb(idp.db).collection(name).deleteMany(name === 'tenants' ? { _id: beta.tenant._id as never } : { tenantId: beta.tenant._id });
    }
    const report = await restoreInto(idp, file);
    expect(report.restored.users).toBe(manifest.collections.users);
    expect(await idp.db.models.users.countDocuments({ tenantId: acme.tenant._id })).toBe(acmeUsers);
    const after = await restart(idp, masterKey);
    started.push(after);
    expect((await signInAt(after, beta, beta.user)).tokens.claims()!.sub).toBe(beta.user.id);
  });

  it("checkpoints a tenant's change log beside the backups before archiving it, and a restore checkpoints the chain it brought back", async () => {
    const checkpoints = async () =>
      (await readFile(join(checkpointDir(dir), `${acme.tenant._id}.ndjson`), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { seq: number; hash: string });
    const newest = async () => (await idp.services.changeLog.list(acme.tenant._id, {}, { limit: 1 })).items[0]!;
    const beforeBackup = await newest();
    const { file, manifest } = await asSetup(() => createBackup(backupDeps(idp), { dir, tenantSlug: 'acme' }));
    // The checkpoint names the newest entry the archive holds, not the backup.created entry written after it.
    expect((await checkpoints()).at(-1)).toMatchObject({ seq: beforeBackup.seq, hash: beforeBackup.hash });
    expect((await newest()).action).toBe('backup.created');

    // Later entries, checkpointed by the job: then the data is lost and the backup restored.
    await person(acme, `later-${randomBytes(3).toString('hex')}@acme.test`, 'Later Person');
    expect(await idp.scheduler.runNow('change-log-checkpoint')).toMatchObject({ ran: true });
    const lost = await newest();
    expect((await checkpoints()).at(-1)).toMatchObject({ seq: lost.seq });
    for (const name of Object.keys(manifest.collections)) {
      await rawDb(idp.db).collection(name).deleteMany(name === 'tenants' ? { _id: acme.tenant._id as never } : { tenantId: acme.tenant._id });
    }
    await restoreInto(idp, file);

    // The restored chain is the archive's plus backup.restored: it is what the checkpoints continue from, and the
    // ones before stay in the file as the record of what the log held.
    const restored = await newest();
    expect(restored).toMatchObject({ seq: beforeBackup.seq + 1, action: 'backup.restored' });
    expect((await checkpoints()).at(-1)).toMatchObject({ seq: restored.seq, hash: restored.hash });
    expect((await checkpoints()).some((c) => c.seq === lost.seq)).toBe(true);
    expect(await idp.services.changeLog.verify(acme.tenant._id)).toMatchObject({ ok: true, checkpoint: { seq: restored.seq } });
  });
});
