import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Db } from 'mongodb';
import * as client from 'openid-client';
import { LOCK_ORIGIN_RECORDED } from '../../src/migrations/0003-user-lock-origin.migration.js';
import { runCli } from '../../src/cli/cli.js';
import { connectTestDatabase, type TestDatabase } from '../support/database.js';
import { asSetup, createTenantFixture, PASSWORD, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { entriesPerSubject } from './support/old-shape.js';

/**
 * A database as releases before the key registry, the resource_servers collection, lock origins and the
 * later tenant settings left it, upgraded the way the README tells operators to: `migrate up`, then
 * processes of this release serve it.
 */
describe('a database of an earlier release, migrated', () => {
  const masterKey = randomBytes(32);
  let database: TestDatabase;
  let acme: TenantFixture;
  let bobId: string;
  let idp: TestIdp | undefined;
  let backupDir: string;

  async function command(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const env = { NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGODB_URI: database.uri, IDP_MASTER_KEY: masterKey.toString('base64'), BACKUP_DIR: backupDir };
    const code = await runCli(argv, { env, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  }

  /** Puts the tenant's data key, resource servers and a lock back into the shapes earlier releases stored. */
  async function ageIntoOldShapes(raw: Db, tenantId: string, lockedUserId: string): Promise<void> {
    const key = await raw.collection('tenant_keys').findOne({ _id: tenantId as never });
    await raw.collection('tenants').updateOne({ _id: tenantId as never }, { $set: { wrappedDataKey: key!.wrappedDataKey } });
    await raw.collection('tenant_keys').deleteOne({ _id: tenantId as never });
    const listed = await raw.collection('resource_servers').find({ tenantId }).toArray();
    await raw.collection('resource_servers').deleteMany({ tenantId });
    const resources = listed.map((r) => ({ indicator: r.indicator, scopes: r.scopes, accessTokenTtl: r.accessTokenTtl }));
    await raw.collection('tenants').updateOne({ _id: tenantId as never }, { $set: { 'settings.resources': resources } });
    await raw.collection('users').updateOne({ _id: lockedUserId as never }, { $unset: { lockedBy: '' } });
    const added = { 'settings.invitationRetentionDays': '', 'settings.maxFailedLogins': '', 'settings.mfa': '' };
    await raw.collection('tenants').updateOne({ _id: tenantId as never }, { $unset: added });
  }

  beforeAll(async () => {
    database = await connectTestDatabase();
    backupDir = await mkdtemp(join(tmpdir(), 'idp-migrate-backups-'));
    const earlier = await startTestIdp({ database, masterKey });
    acme = await createTenantFixture(earlier.services, 'acme');
    const bob = await asSetup(() => earlier.services.users.create(acme.tenant, { email: 'bob@acme.test', password: PASSWORD, name: 'Bob Berg', roles: [], emailVerified: true }));
    await asSetup(() => earlier.services.users.setStatus(acme.tenant, bob.id, { from: ['active'], to: 'locked', action: 'user.locked' }));
    bobId = bob.id;
    await ageIntoOldShapes(earlier.db.connection.db!, acme.tenant._id, bobId);
    await earlier.close();
  });
  afterAll(async () => {
    await idp?.close();
    await database.drop();
    await rm(backupDir, { recursive: true, force: true });
  });

  it('is migrated by `migrate up`, and then served: sign-in, tokens for its resource, its users as they were', async () => {
    expect((await command('migrate', 'status')).stdout).toMatch(/schema version 0;[\s\S]*pending\s+0003-user-lock-origin/);
    // A backup would copy the data keys the tenant documents still hold, and crypto-shredding would not reach them.
    const backup = await command('backup', 'create');
    expect(backup.code).toBe(1);
    expect(backup.stderr).toContain('Tenant documents still hold their data keys: run `npm run idp -- migrate up` before taking a backup');
    const up = await command('migrate', 'up');
    expect(up).toMatchObject({ code: 0, stdout: 'Applied: 0001-tenant-data-keys-to-registry, 0002-resource-servers-to-collection, 0003-user-lock-origin, 0004-tenant-settings-defaults\n' });

    idp = await startTestIdp({ database, masterKey });
    const config = await discoverClient(idp.baseUrl, acme);
    // The data key moved: the email's blind index and the sealed name open with it.
    const signedIn = await signIn(config, { email: 'alice@acme.test', password: PASSWORD });
    expect(signedIn.tokens.claims()?.sub).toBe(acme.user.id);
    // The resource server moved: the provider offers its audience.
    const tokens = await client.clientCredentialsGrant(config, { resource: RESOURCE, scope: 'locks:open' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: RESOURCE, scope: 'locks:open' });
    const bob = await idp.services.users.getById(await idp.services.tenants.getBySlug('acme'), bobId);
    expect(bob).toMatchObject({ email: 'bob@acme.test', name: 'Bob Berg', status: 'locked', lockedBy: 'admin' });

    // The settings the tenant lacked hold the defaults its readers assumed.
    expect((await idp.services.tenants.getBySlug('acme')).settings).toMatchObject({ invitationRetentionDays: 30, maxFailedLogins: 5, mfa: { requiredForRoles: [] } });
    const stored = await idp.db.connection.db!.collection('tenants').findOne({ _id: acme.tenant._id as never });
    expect(stored).not.toHaveProperty('wrappedDataKey');
    expect(stored!.settings).not.toHaveProperty('resources');
    expect(await idp.services.changeLog.verify(acme.tenant._id)).toMatchObject({ ok: true });
    const entry = await idp.db.models.changeLog.findOne({ tenantId: acme.tenant._id, action: LOCK_ORIGIN_RECORDED }).lean();
    expect(entry).toMatchObject({ subjectId: bobId, actor: 'job:migration-0003-user-lock-origin', fields: ['lockedBy'] });
  });

  it('is left as it is by a second `migrate up`', async () => {
    const before = await idp!.db.models.changeLog.countDocuments({ tenantId: acme.tenant._id });
    expect(await command('migrate', 'up')).toMatchObject({ code: 0, stdout: "Nothing to migrate: the database is at this release's schema.\n" });
    expect(await idp!.db.models.changeLog.countDocuments({ tenantId: acme.tenant._id })).toBe(before);
    expect([...(await entriesPerSubject(idp!.db.connection.db!, acme.tenant._id, LOCK_ORIGIN_RECORDED)).values()]).toEqual([1]);
  });

  it('is migrated again when a one-tenant backup taken before the upgrade is restored into it', async () => {
    // Bob's lock as the earlier release stored it, in a backup of that time; the migration records stay applied.
    await idp!.db.connection.db!.collection('users').updateOne({ _id: bobId as never }, { $unset: { lockedBy: '' } });
    const backup = await command('backup', 'create', '--tenant', 'acme');
    expect(backup.code).toBe(0);
    const file = /Backup written: (\S+)/.exec(backup.stdout)![1]!;
    await idp!.db.connection.db!.collection('users').updateOne({ _id: bobId as never }, { $set: { lockedBy: 'admin' } });

    const restore = await command('backup', 'restore', file, '--force');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('Migrations applied again to the restored data: 0001-tenant-data-keys-to-registry, 0002-resource-servers-to-collection, 0003-user-lock-origin, 0004-tenant-settings-defaults');
    const tenant = await idp!.services.tenants.getBySlug('acme');
    expect(await idp!.services.users.getById(tenant, bobId)).toMatchObject({ email: 'bob@acme.test', status: 'locked', lockedBy: 'admin' });
    expect(await idp!.services.changeLog.verify(acme.tenant._id)).toMatchObject({ ok: true });
  });
});
