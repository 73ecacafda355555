import * as client from 'openid-client';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveReader } from '../../src/backup/archive-reader.js';
import { registryPath } from '../../src/backup/registry-file.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import type { StagingCopyReport } from '../../src/privacy/staging-copy.js';
import type { User } from '../../src/users/user.service.js';
import { rawDb } from '../../src/backup/collections.js';
import { rawDocuments } from '../support/database.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const STAGING_PASSWORD = 'Staging-Password-1';
const STAGING_SECRET = 'staging-client-secret';

describe('anonymized staging copies of a backup', () => {
  const productionKey = randomBytes(32);
  const stagingKey = randomBytes(32);
  let dir: string;
  let production: TestIdp;
  let staging: TestIdp;
  let acme: TenantFixture;
  let beta: TenantFixture;
  let erin: User;
  let backup: string;
  let copy: string;
  let report: StagingCopyReport;
  let passwordHash: string;
  const closing: TestIdp[] = [];
  /** Every personal value and secret production holds, in clear and as stored. */
  const productionValues = new Set<string>();
  const productionDir = () => join(dir, 'production');
  const copyFrom = (source: TestIdp, output: string) =>
    asSetup(() =>
      source.services.backups.stagingCopy({
        input: backup,
        output,
        stagingKey: new MasterKey(stagingKey),
        passwordHash,
        clientSecret: STAGING_SECRET,
        registryFile: registryPath(productionDir()),
      }),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-staging-'));
    production = await startTestIdp({ masterKey: productionKey, env: { BACKUP_DIR: productionDir() } });
    acme = await createTenantFixture(production.services, 'acme');
    beta = await createTenantFixture(production.services, 'beta');
    await asSetup(() =>
      production.services.users.create(acme.tenant, { email: 'bob.berg@acme.test', name: 'Bob Berg', givenName: 'Bob', familyName: 'Berg', phone: '+45 87 65 43 21', password: PASSWORD }),
    );
    erin = await asSetup(() => production.services.users.create(acme.tenant, { email: 'erin.eriksen@acme.test', name: 'Erin Eriksen', password: PASSWORD }));
    const lab = await production.services.doors.getByKey(acme.tenant._id, 'lab');
    await asSetup(() => production.services.doorPermissions.grant(acme.tenant._id, { doorId: lab._id, holderType: 'user', holderId: erin.id }));
    await signIn(await discoverClient(production.baseUrl, acme), { email: acme.user.email! });
    for (const value of ['alice@acme.test', 'alice@beta.test', 'Alice Andersen', 'Andersen', 'bob.berg@acme.test', 'Bob Berg', '+45 87 65 43 21', acme.clientSecret]) {
      productionValues.add(value);
    }
    for (const user of await production.db.models.users.find({ tenantId: { $exists: true } }).lean()) {
      for (const stored of [user.email, user.emailHash, user.name, user.givenName, user.familyName, user.phone, user.passwordHash]) if (stored) productionValues.add(stored);
    }
    for (const client of await production.db.models.clients.find({ tenantId: { $exists: true } }).lean()) if (client.sealedSecret) productionValues.add(client.sealedSecret);
    for (const key of await production.db.models.signingKeys.find({ tenantId: { $exists: true } }).lean()) productionValues.add(key.sealedPrivateJwk);
    for (const entry of await production.services.tenantKeys.all()) productionValues.add(entry.wrappedDataKey!);

    ({ file: backup } = await asSetup(() => production.services.backups.create({ dir: productionDir() })));
    // After the backup: Erin is erased, and beta's contract ends.
    await asSetup(() => production.services.users.delete(acme.tenant, erin.id));
    await asSetup(() => production.services.termination.terminate(beta.tenant, { exportFile: join(dir, 'beta-export.idparch'), registryFile: registryPath(productionDir()) }));

    passwordHash = await production.services.hasher.hash(STAGING_PASSWORD);
    copy = join(dir, 'staging.idparch');
    report = await copyFrom(production, copy);
    expect(report.users).toBe(2);
    expect(report.dropped).toMatchObject({ oidc_entries: expect.any(Number), change_log: expect.any(Number) });

    staging = await startTestIdp({ masterKey: stagingKey, env: { BACKUP_DIR: join(dir, 'staging') } });
    await asSetup(() => staging.services.backups.restore({ file: copy, registryFile: registryPath(join(dir, 'staging')) }));
    // Two apps, a backup, a termination, a copy and a restore: more than the default 30 s on a loaded machine.
  }, 90_000);
  afterAll(async () => {
    for (const other of closing) await other.close();
    await staging?.close();
    await production.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens only with the staging key', async () => {
    await expect(ArchiveReader.open(copy, { masterKey: production.masterKey })).rejects.toThrow(/master key/);
    await expect(ArchiveReader.open(copy, { masterKey: staging.masterKey })).resolves.toBeDefined();
    const bytes = await readFile(copy);
    expect(bytes.includes('alice@acme.test')).toBe(false);
  });

  it('holds no personal value or secret of production anywhere, in any collection', async () => {
    const documents = await rawDocuments(rawDb(staging.db));
    expect(documents.length).toBeGreaterThan(10);
    const found = documents.flatMap((d) => [...productionValues].filter((value) => d.text.includes(value)).map((value) => `${d.collection}: ${value}`));
    expect(found).toEqual([]);
    expect(documents.some((d) => d.collection === 'oidc_entries')).toBe(false);
    // Production's change log stays behind; staging's own starts with the restore of the copy.
    const log = await staging.db.models.changeLog.find({ tenantId: { $exists: true } }).lean();
    expect(log.length).toBeGreaterThan(0);
    expect(log.map((e) => e.action)).toEqual(log.map(() => 'backup.restored'));
  });

  it('keeps the structure: the same ids, roles, door permissions and clients, with fake people', async () => {
    const tenant = (await staging.services.tenants.findBySlug('acme'))!;
    expect(tenant._id).toBe(acme.tenant._id);
    const alice = (await staging.services.users.findById(tenant, acme.user.id))!;
    expect(alice).toMatchObject({ roles: ['employee', 'team_lead'], locale: 'da', emailVerified: true, name: expect.stringMatching(/^Person \d+$/) });
    expect(alice.email).toMatch(/^user-\d+@example\.invalid$/);
    const bob = (await staging.services.users.list(tenant, { limit: 10 })).items.find((u) => u.id !== alice.id)!;
    expect(bob.phone).toBeUndefined();
    expect(await staging.db.models.doorPermissions.countDocuments({ tenantId: tenant._id })).toBe(
      await production.db.models.doorPermissions.countDocuments({ tenantId: tenant._id }),
    );
    expect((await staging.services.clients.get(tenant._id, acme.clientId)).metadata).toEqual((await production.services.clients.get(tenant._id, acme.clientId)).metadata);
  });

  it('lets users sign in with the staging password through the staging client secret', async () => {
    const tenant = (await staging.services.tenants.findBySlug('acme'))!;
    const alice = (await staging.services.users.findById(tenant, acme.user.id))!;
    const config = await discoverClient(staging.baseUrl, { ...acme, clientSecret: STAGING_SECRET });
    const { tokens } = await signIn(config, { email: alice.email!, password: STAGING_PASSWORD });
    expect(tokens.claims()).toMatchObject({ sub: acme.user.id, roles: ['employee', 'team_lead'] });
    expect(await client.fetchUserInfo(config, tokens.access_token, acme.user.id)).toMatchObject({ email: alice.email });
    await expect(signIn(config, { email: alice.email!, password: PASSWORD })).rejects.toThrow(/\/interaction\/[\w-]+\/login answered 400:/);
  });

  it('leaves out a person erased after the backup, as a restore does, and keeps their door grants only as ended history', async () => {
    expect(report.skipped.users).toBe(1);
    const tenant = (await staging.services.tenants.findBySlug('acme'))!;
    expect(await staging.services.users.findById(tenant, erin.id)).toBeNull();
    const grants = await staging.db.models.doorPermissions.find({ tenantId: tenant._id, holderType: 'user', holderId: erin.id }).lean();
    expect(grants).toHaveLength(1);
    expect(grants[0]!.revokedAt).toBeInstanceOf(Date);
  });

  it('leaves out every document of a tenant terminated after the backup', async () => {
    expect(report.terminatedTenants).toEqual([{ tenantId: beta.tenant._id, slug: 'beta', skipped: expect.any(Number) }]);
    expect(report.terminatedTenants[0]!.skipped).toBeGreaterThan(5);
    expect(await staging.services.tenants.findBySlug('beta')).toBeNull();
    const found = (await rawDocuments(rawDb(staging.db))).filter((d) => d.text.includes(beta.tenant._id));
    expect(found).toEqual([]);
  });

  it('keeps them out from the registry beside the backups when the database has lost its own lists', async () => {
    const fresh = await startTestIdp({ masterKey: productionKey, env: { BACKUP_DIR: productionDir() } });
    closing.push(fresh);
    expect(await fresh.db.models.deletedSubjects.estimatedDocumentCount()).toBe(0);
    const again = await copyFrom(fresh, join(dir, 'staging-after-loss.idparch'));
    expect(again.skipped).toEqual(report.skipped);
    expect(again.terminatedTenants.map((t) => t.slug)).toEqual(['beta']);
    expect(again.users).toBe(2);
  });
});
