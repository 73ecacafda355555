import { createHash, randomBytes } from 'node:crypto';
import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointDir } from '../../src/audit/change-log-checkpoint-file.js';
import { ArchiveReader } from '../../src/backup/archive-reader.js';
import { manifestPath } from '../../src/backup/manifest.js';
import { runConfirmHandover, runListExports, runTerminateTenant } from '../../src/cli/tenant.command.js';
import { ConflictError } from '../../src/errors/http-errors.js';
import { ExportHandover, exportsDir, HANDOVER_ACTIONS } from '../../src/privacy/termination-handover.js';
import { TerminationService } from '../../src/privacy/termination.service.js';
import { adminClient, operatorToken, platformTenant, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const DAY = 24 * 3600 * 1000;
const exists = (file: string) => access(file).then(() => true, () => false);

describe("handover of a terminated tenant's export", () => {
  let dir: string;
  let idp: TestIdp;
  let call: ReturnType<typeof adminClient>;
  let acme: TenantFixture;
  let beta: TenantFixture;
  let operator: string;
  /** What DELETE /tenants/acme answered: the export, its key, and its handover. */
  let terminated: { export: { file: string; key: string; sha256: string }; handover: { id: string; sha256: string; bytes: number; delete_by: string; created_at: string } };

  const archiveOf = (id: string, token?: string) => fetch(`${idp.baseUrl}/admin/api/v1/termination-exports/${id}/archive`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const platformActions = async (tenantId: string) =>
    (await idp.services.changeLog.entriesAbout((await platformTenant(idp))._id, tenantId)).map((e) => [e.action, e.actor.replace(/_[\w-]+@/, '@')]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-handover-'));
    idp = await startTestIdp({ env: { BACKUP_DIR: dir } });
    call = adminClient(idp);
    acme = await createTenantFixture(idp.services, 'acme');
    beta = await createTenantFixture(idp.services, 'beta');
    operator = await operatorToken(idp);
    const res = await call('DELETE', '/tenants/acme', operator);
    expect(res.status).toBe(200);
    terminated = res.body;
  });
  afterAll(async () => {
    await idp.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the termination with the handover: where to download it, and when it is deleted at the latest', () => {
    expect(terminated.handover).toEqual({
      id: expect.stringMatching(/^exp_/),
      tenant: { id: acme.tenant._id, slug: 'acme' },
      sha256: terminated.export.sha256,
      bytes: expect.any(Number),
      created_at: expect.any(String),
      delete_by: expect.any(String),
    });
    // TERMINATION_EXPORT_KEEP_DAYS by default: the four weeks the processing agreement allows.
    expect(Date.parse(terminated.handover.delete_by) - Date.parse(terminated.handover.created_at)).toBe(28 * DAY);
    expect(terminated.export.file.startsWith(exportsDir(dir))).toBe(true);
  });

  it('hands the archive to platform operators only: 403 for a tenant admin of another tenant and for a platform account without the operator role', async () => {
    const betaAdmin = await serviceToken(idp, beta.tenant, ['tenant_admin']);
    const platformAuditor = await serviceToken(idp, await platformTenant(idp), ['auditor']);
    expect((await archiveOf(terminated.handover.id, betaAdmin)).status).toBe(403);
    expect((await archiveOf(terminated.handover.id, platformAuditor)).status).toBe(403);
    expect((await archiveOf(terminated.handover.id)).status).toBe(401);
    expect((await call('POST', `/termination-exports/${terminated.handover.id}/handover`, betaAdmin, { sha256: terminated.handover.sha256 })).status).toBe(403);
    expect((await call('GET', '/termination-exports', betaAdmin)).status).toBe(403);
    // Refused before anything was read: no download is recorded.
    expect(await platformActions(acme.tenant._id)).toEqual([['tenant.terminated', 'service:cli@platform']]);
    expect(await exists(terminated.export.file)).toBe(true);
  });

  it('lets an operator download the archive, which opens with the key the termination showed, and records the download', async () => {
    const res = await archiveOf(terminated.handover.id, operator);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(terminated.handover.sha256);
    const received = join(dir, 'received.idparch');
    await writeFile(received, bytes);
    const reader = await ArchiveReader.open(received, { exportKey: Buffer.from(terminated.export.key, 'base64url') });
    expect(reader.header.scope).toMatchObject({ type: 'tenant', tenantId: acme.tenant._id });
    expect(await platformActions(acme.tenant._id)).toEqual([
      ['tenant.terminated', 'service:cli@platform'],
      [HANDOVER_ACTIONS.downloaded, 'service:cli@platform'],
    ]);
  });

  it("refuses a confirmation whose SHA-256 is not the archive's, and keeps the archive", async () => {
    const wrong = createHash('sha256').update('something else').digest('hex');
    const res = await call('POST', `/termination-exports/${terminated.handover.id}/handover`, operator, { sha256: wrong });
    expect(res.status).toBe(409);
    expect(await exists(terminated.export.file)).toBe(true);
  });

  it('deletes the archive, its manifest and its record once its receipt is confirmed, and records the deletion', async () => {
    const res = await call('POST', `/termination-exports/${terminated.handover.id}/handover`, operator, { sha256: terminated.handover.sha256.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body.deleted).toMatchObject({ id: terminated.handover.id, tenant: { slug: 'acme' } });
    expect(await exists(terminated.export.file)).toBe(false);
    expect(await exists(manifestPath(terminated.export.file))).toBe(false);
    expect((await call('GET', '/termination-exports', operator)).body).toEqual({ items: [] });
    expect((await archiveOf(terminated.handover.id, operator)).status).toBe(404);
    expect((await platformActions(acme.tenant._id)).at(-1)).toEqual([HANDOVER_ACTIONS.handedOver, 'service:cli@platform']);
  });

  it('deletes, in the scheduled job, an export whose handover period is over, and leaves one still inside its period', async () => {
    // A termination run from the CLI 29 days ago, its export at a path the operator named; and one run today.
    const old = await createTenantFixture(idp.services, 'gamma');
    const handover = idp.services.exportHandover!;
    const registeredEarlier = new ExportHandover({ dir: exportsDir(dir), keepDays: 28, tenants: idp.services.tenants, changeLog: idp.services.changeLog, now: () => new Date(Date.now() - 29 * DAY) });
    const earlier = new TerminationService({ ...idp.services, db: idp.db, masterKey: idp.masterKey, handover: registeredEarlier });
    const named = join(dir, `gamma-${randomBytes(4).toString('hex')}.idparch`);
    const checkpoints = join(checkpointDir(dir), `${old.tenant._id}.ndjson`);
    await idp.services.changeLog.checkpoint(old.tenant._id);
    expect(await exists(checkpoints)).toBe(true);
    const expired = await asSetup(() => earlier.terminate(old.tenant, { exportFile: named, registryFile: join(dir, 'registry.sealed') }));
    // Its change log is gone with it, and so are the checkpoints of that log.
    expect(await exists(checkpoints)).toBe(false);
    const recent = await asSetup(() => runTerminateTenant(idp.services, idp.config, 'beta', join(dir, 'beta.idparch')));
    expect((await handover.list()).map((p) => p.tenant.slug)).toEqual(['gamma', 'beta']);

    expect(await idp.scheduler.runNow('termination-export-expiry')).toEqual({ ran: true, result: { deleted: [expired.handover!.id] } });

    expect(await exists(named)).toBe(false);
    expect(await exists(manifestPath(named))).toBe(false);
    expect(await exists(recent.export!.file)).toBe(true);
    expect((await handover.list()).map((p) => p.id)).toEqual([recent.handover!.id]);
    expect((await platformActions(old.tenant._id)).at(-1)).toEqual([HANDOVER_ACTIONS.expired, 'job:termination-export-expiry']);
    expect((await readdir(exportsDir(dir))).filter((n) => n.includes(expired.handover!.id))).toEqual([]);
  });

  it('lists and confirms handovers from the CLI too, for exports written where the operator named', async () => {
    const [pending] = await idp.services.exportHandover!.list();
    expect(await runListExports(idp.services)).toContain(`${pending!.id}  beta`);
    const wrong = createHash('sha256').update('not it').digest('hex');
    await expect(asSetup(() => runConfirmHandover(idp.services, pending!.id, wrong))).rejects.toThrow(ConflictError);
    expect(await exists(pending!.file)).toBe(true);

    expect(await asSetup(() => runConfirmHandover(idp.services, pending!.id, pending!.sha256))).toContain(`${pending!.file} deleted`);
    expect(await exists(pending!.file)).toBe(false);
    expect(await runListExports(idp.services)).toBe('No export is waiting for its handover.\n');
    expect((await platformActions(beta.tenant._id)).at(-1)).toEqual([HANDOVER_ACTIONS.handedOver, 'job:test-setup']);
  });
});
