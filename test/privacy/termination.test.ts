import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import * as client from 'openid-client';
import { ArchiveReader } from '../../src/backup/archive-reader.js';
import { restoreBackup } from '../../src/backup/backup-restore.js';
import { archivedCollections, rawDb } from '../../src/backup/collections.js';
import { readRegistryFile, registryPath } from '../../src/backup/registry-file.js';
import { formatTermination, runTerminateTenant } from '../../src/cli/tenant.command.js';
import { readExport } from '../../src/cli/backup.command.js';
import { FieldCipher } from '../../src/crypto/field-cipher.js';
import { MasterKey } from '../../src/crypto/master-key.js';
import { dataKeyAad } from '../../src/tenants/tenant-keyring.js';
import { adminClient, operatorToken, platformTenant, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { backupDeps } from '../backup/backup-harness.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

describe('tenant termination', () => {
  const masterKey = randomBytes(32);
  let dir: string;
  let idp: TestIdp;
  let call: ReturnType<typeof adminClient>;
  let acme: TenantFixture;
  let beta: TenantFixture;
  let operator: string;
  let backupBefore: string;
  const closing: TestIdp[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-termination-'));
    idp = await startTestIdp({ masterKey, env: { BACKUP_DIR: dir } });
    call = adminClient(idp);
    acme = await createTenantFixture(idp.services, 'acme');
    beta = await createTenantFixture(idp.services, 'beta');
    await asSetup(() => idp.services.users.create(acme.tenant, { email: 'bob@acme.test', name: 'Bob Berg', phone: '+45 12 34 56 78' }));
    await signIn(await discoverClient(idp.baseUrl, acme), { email: acme.user.email! });
    operator = await operatorToken(idp);
    ({ file: backupBefore } = await asSetup(() => idp.services.backups.create({ dir })));
  });
  afterAll(async () => {
    for (const other of closing) await other.close();
    await idp.close();
    await rm(dir, { recursive: true, force: true });
  });

  const tenantDocuments = async (tenantId: string) => {
    let count = 0;
    for (const c of archivedCollections(idp.db.models)) {
      count += await rawDb(idp.db).collection(c.name).countDocuments(c.model === 'tenants' ? { _id: tenantId as never } : { tenantId });
    }
    return count;
  };

  it('is for platform operators only', async () => {
    const admin = await serviceToken(idp, beta.tenant, ['tenant_admin']);
    expect((await call('DELETE', '/tenants/beta', admin)).status).toBe(403);
    expect((await call('DELETE', '/tenants/beta', undefined)).status).toBe(401);
    expect((await call('DELETE', '/tenants/platform', operator)).status).toBe(409);
    expect(await idp.services.tenants.findBySlug('beta')).toMatchObject({ state: 'active' });
  });

  it('exports the tenant for the customer, then destroys all of it, and logs tenant.terminated in the platform change log', async () => {
    expect(await tenantDocuments(acme.tenant._id)).toBeGreaterThan(10);
    const res = await call('DELETE', '/tenants/acme', operator);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ tenant: { id: acme.tenant._id, slug: 'acme' }, key_destroyed: true, registry_file_updated: true });
    expect(res.body.deleted.users).toBe(2);
    expect(res.body.deleted.tenants).toBe(1);

    // Nothing of the tenant is left: no document, no data key, no entry in the registry file beside the backups.
    expect(await tenantDocuments(acme.tenant._id)).toBe(0);
    expect(await idp.db.models.tenantKeys.findOne({ tenantId: acme.tenant._id }).lean()).toMatchObject({ destroyedAt: expect.any(Date) });
    expect((await idp.db.models.tenantKeys.findOne({ tenantId: acme.tenant._id }).lean())!.wrappedDataKey).toBeUndefined();
    const registry = await readRegistryFile(registryPath(dir), idp.masterKey);
    expect(registry.tenants.find((t) => t.tenantId === acme.tenant._id)).toEqual({ tenantId: acme.tenant._id, destroyedAt: expect.any(Date) });
    expect((await fetch(`${idp.baseUrl}/t/acme/.well-known/openid-configuration`)).status).toBe(404);

    const platform = await platformTenant(idp);
    const entries = await idp.services.changeLog.entriesAbout(platform._id, acme.tenant._id);
    expect(entries.map((e) => e.action)).toEqual(['tenant.terminated']);
    expect(entries[0]!.actor).toMatch(/^service:cli_.+@platform$/);

    // The export opens with the key handed out, holds the people in clear, and no secret of ours.
    const { file, key } = res.body.export as { file: string; key: string };
    const reader = await ArchiveReader.open(file, { exportKey: Buffer.from(key, 'base64url') });
    const docs: Record<string, Record<string, unknown>[]> = {};
    for await (const event of reader.events()) {
      if (event.type === 'document') (docs[event.collection] ??= []).push(BSON.deserialize(event.bson));
    }
    expect(docs.users!.map((u) => u.email).sort()).toEqual(['alice@acme.test', 'bob@acme.test']);
    expect(docs.users!.find((u) => u.email === 'bob@acme.test')).toMatchObject({ name: 'Bob Berg', phone: '+45 12 34 56 78' });
    expect(docs.users!.every((u) => u.emailHash === undefined)).toBe(true);
    expect(docs.clients!.every((c) => c.sealedSecret === undefined)).toBe(true);
    expect(docs.door_permissions!.length).toBeGreaterThan(0);
    expect(docs.change_log!.length).toBeGreaterThan(0);
    for (const left of ['signing_keys', 'oidc_entries']) expect(docs[left]).toBeUndefined();
    expect(res.body.export.collections.users).toBe(2);

    // The customer reads it without this service: JSON lines.
    const lines = join(dir, 'acme.ndjson');
    expect(await readExport(file, lines, Buffer.from(key, 'base64url'))).toBe(Object.values(docs).flat().length);
  });

  it('leaves the tenant unreadable in a backup taken before: no key we still hold opens its sealed data', async () => {
    // Everything the operator has after the termination: the master key, the key registry, the registry file, old backups.
    const master = new MasterKey(masterKey);
    const reader = await ArchiveReader.open(backupBefore, { masterKey: master });
    const sealedEmails = new Map<string, string[]>();
    const tenantDocs = new Map<string, Record<string, unknown>>();
    for await (const event of reader.events()) {
      if (event.type !== 'document') continue;
      const doc = BSON.deserialize(event.bson);
      if (event.collection === 'users') sealedEmails.set(doc.tenantId, [...(sealedEmails.get(doc.tenantId) ?? []), doc.email]);
      if (event.collection === 'tenants') tenantDocs.set(doc._id, doc);
    }
    expect(sealedEmails.get(acme.tenant._id)).toHaveLength(2);
    expect(tenantDocs.get(acme.tenant._id)!.wrappedDataKey).toBeUndefined();

    const held = [...(await idp.services.tenantKeys.all()), ...(await readRegistryFile(registryPath(dir), master)).tenants].filter((t) => t.wrappedDataKey);
    expect(held.some((t) => t.tenantId === acme.tenant._id)).toBe(false);
    const opensWithAnyKey = (tenantId: string, box: string) =>
      held.some((entry) => {
        try {
          return new FieldCipher(master.unwrap(entry.wrappedDataKey!, dataKeyAad(entry.tenantId)), tenantId).decrypt(box, 'email').includes('@');
        } catch {
          return false;
        }
      });
    expect(sealedEmails.get(acme.tenant._id)!.some((box) => opensWithAnyKey(acme.tenant._id, box))).toBe(false);
    // The same test opens a live tenant's data: it would have found acme's key if one were left.
    expect(sealedEmails.get(beta.tenant._id)!.every((box) => opensWithAnyKey(beta.tenant._id, box))).toBe(true);
  });

  it('restores a backup taken before termination into an empty database without the terminated tenant; the others work', async () => {
    const empty = await startTestIdp({ masterKey, env: { BACKUP_DIR: dir } });
    closing.push(empty);
    const report = await asSetup(() => restoreBackup(backupDeps(empty), { file: backupBefore, registryFile: registryPath(dir) }));
    expect(report.terminatedTenants).toEqual([{ tenantId: acme.tenant._id, slug: 'acme', skipped: expect.any(Number) }]);
    expect(report.terminatedTenants[0]!.skipped).toBeGreaterThan(10);
    expect(await empty.services.tenants.findBySlug('acme')).toBeNull();
    expect(await empty.db.models.users.countDocuments({ tenantId: acme.tenant._id })).toBe(0);
    const { config, tokens } = await signIn(await discoverClient(empty.baseUrl, beta), { email: beta.user.email! });
    expect((await client.fetchUserInfo(config, tokens.access_token, beta.user.id)).email).toBe('alice@beta.test');
  });

  it('finishes an interrupted termination when run again, without a second export', async () => {
    const delta = await createTenantFixture(idp.services, 'delta');
    // As a run that stopped after marking the tenant terminated, before destroying anything.
    await idp.services.tenants.setState(delta.tenant._id, 'terminated');
    const res = await call('DELETE', '/tenants/delta', operator);
    expect(res.status).toBe(200);
    expect(res.body.export).toBeUndefined();
    expect(res.body.deleted.users).toBe(1);
    expect(await tenantDocuments(delta.tenant._id)).toBe(0);
  });

  it('runs from the CLI the same way, and refuses to overwrite a file', async () => {
    const gamma = await createTenantFixture(idp.services, 'gamma');
    const taken = join(dir, 'taken.idparch');
    await writeFile(taken, 'x');
    await expect(asSetup(() => runTerminateTenant(idp.services, idp.config, 'gamma', taken))).rejects.toThrow(/exists already/);
    const report = await asSetup(() => runTerminateTenant(idp.services, idp.config, 'gamma', join(dir, 'gamma.idparch')));
    expect(report.export!.manifest.collections.users).toBe(1);
    expect(formatTermination(report)).toContain(report.export!.key);
    expect(await tenantDocuments(gamma.tenant._id)).toBe(0);
    const entries = await idp.services.changeLog.entriesAbout((await platformTenant(idp))._id, gamma.tenant._id);
    expect(entries.map((e) => [e.action, e.actor])).toEqual([['tenant.terminated', 'job:test-setup']]);
  });
});
