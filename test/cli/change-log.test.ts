import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointInvalidError } from '../../src/audit/change-log.errors.js';
import { formatVerification, runVerifyChangeLog } from '../../src/cli/change-log.command.js';
import { CliError } from '../../src/cli/cli-error.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

describe('change-log verify (CLI)', () => {
  let dir: string;
  let idp: TestIdp;
  let acme: TenantFixture;
  let exports: { ndjson: string; csv: string };
  let newestSeq: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idp-change-log-cli-'));
    idp = await startTestIdp();
    acme = await createTenantFixture(idp.services, 'acme');
    for (let i = 0; i < 3; i++) await asSetup(() => idp.services.users.create(acme.tenant, { email: `p${i}@acme.test` }));
    // What the customer's auditor downloads and keeps, in both formats.
    const auditor = await serviceToken(idp, acme.tenant, ['auditor']);
    const call = adminClient(idp);
    exports = { ndjson: join(dir, 'acme.ndjson'), csv: join(dir, 'acme.csv') };
    await writeFile(exports.ndjson, (await call('GET', '/tenants/acme/change-log/export', auditor)).body as string);
    await writeFile(exports.csv, (await call('GET', '/tenants/acme/change-log/export?format=csv', auditor)).body as string);
    newestSeq = (await idp.services.changeLog.list(acme.tenant._id, {}, { limit: 1 })).items[0]!.seq;
  });
  afterAll(async () => {
    await idp.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies an intact log against the checkpoint an export ended with', async () => {
    const result = await runVerifyChangeLog(idp.services, 'acme', exports.csv);
    expect(result).toEqual({ ok: true, checked: newestSeq, checkpoint: { seq: newestSeq, at: expect.any(String) } });
    expect(formatVerification('acme', result)).toMatch(new RegExp(`^The change log of acme verifies: ${newestSeq} entries against the checkpoint of entry ${newestSeq} `));
  });

  it("shows from a customer's export that its newest entries were deleted from the database afterwards", async () => {
    await idp.db.models.changeLog.collection.deleteMany({ tenantId: acme.tenant._id, seq: { $gte: newestSeq - 1 } });
    for (const file of [exports.ndjson, exports.csv]) {
      const result = await runVerifyChangeLog(idp.services, 'acme', file);
      expect(result).toMatchObject({ ok: false, checked: newestSeq - 2, firstBroken: { seq: newestSeq - 1, reason: 'truncated' } });
      expect(formatVerification('acme', result)).toContain(`broken at entry ${newestSeq - 1} (truncated) against the checkpoint of entry ${newestSeq}`);
    }
  });

  it('refuses an export whose checkpoint was edited, and a file that ends with none', async () => {
    const lines = (await readFile(exports.ndjson, 'utf8')).trimEnd().split('\n');
    const { checkpoint } = JSON.parse(lines.at(-1)!);
    const edited = join(dir, 'edited.ndjson');
    await writeFile(edited, [...lines.slice(0, -1), JSON.stringify({ checkpoint: { ...checkpoint, seq: checkpoint.seq - 2 } })].join('\n'));
    await expect(runVerifyChangeLog(idp.services, 'acme', edited)).rejects.toThrow(CheckpointInvalidError);
    const cut = join(dir, 'cut.ndjson');
    await writeFile(cut, lines.slice(0, -1).join('\n'));
    await expect(runVerifyChangeLog(idp.services, 'acme', cut)).rejects.toThrow(CliError);
  });
});
