import { ChangeLogService } from '../../src/audit/change-log.service.js';
import { createLogger } from '../../src/observability/logger.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { asSetup } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { SETUP_TIMEOUT_MS } from './privacy-fixture.js';

const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

describe('change-log retention', () => {
  let idp: TestIdp;
  let call: ReturnType<typeof adminClient>;
  let standard: TenantDoc;
  let oneYear: TenantDoc;
  let auditor: Record<string, string>;

  /** Entries written as if in the past: a log whose clock says `days` ago. */
  async function appendAt(tenant: TenantDoc, days: number, count: number): Promise<void> {
    const log = new ChangeLogService(idp.db.models, { now: () => daysAgo(days), logger: createLogger('silent') });
    for (let i = 0; i < count; i++) {
      await asSetup(() => log.append(tenant._id, { action: 'user.updated', subjectType: 'user', subjectId: `usr_old${days}x${i}`, fields: ['name'] }));
    }
  }

  async function history(tenant: TenantDoc): Promise<void> {
    await appendAt(tenant, 800, 5);
    await appendAt(tenant, 400, 3);
    await asSetup(() => idp.services.users.create(tenant, { email: `new@${tenant.slug}.test`, name: 'Newcomer' }));
  }

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    standard = await asSetup(() => idp.services.tenants.create({ slug: 'standard', name: 'Standard' }));
    oneYear = await asSetup(() => idp.services.tenants.create({ slug: 'one-year', name: 'One year', settings: { changeLogRetentionDays: 365 } }));
    await history(standard);
    await history(oneYear);
    auditor = { standard: await serviceToken(idp, standard, ['auditor']), 'one-year': await serviceToken(idp, oneYear, ['auditor']) };
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it("removes, in the scheduled job, each tenant's entries older than its retention", async () => {
    expect(await idp.scheduler.runNow('change-log-retention')).toEqual({ ran: true, result: { pruned: 5 + 8, failed: [] } });
    const oldest = async (tenant: TenantDoc) => (await idp.services.changeLog.list(tenant._id, {}, { limit: 500 })).items.at(-1)!;
    expect(await oldest(standard)).toMatchObject({ seq: 6 });
    expect((await oldest(standard)).at.getTime()).toBeGreaterThan(daysAgo(730).getTime());
    expect(await oldest(oneYear)).toMatchObject({ seq: 9, action: 'user.created' });
  });

  it.each(['standard', 'one-year'])('leaves the chain of %s verifying across the cut, through the admin API', async (slug) => {
    const res = await call('GET', `/tenants/${slug}/change-log/verify`, auditor[slug]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, first_broken: null });
    expect(res.body.checked).toBe(slug === 'standard' ? 4 : 1);
  });

  it('removes nothing more when run again, and the chain goes on from where it was cut', async () => {
    expect(await idp.scheduler.runNow('change-log-retention')).toEqual({ ran: true, result: { pruned: 0, failed: [] } });
    await asSetup(() => idp.services.users.create(standard, { email: 'later@standard.test' }));
    expect((await call('GET', '/tenants/standard/change-log/verify', auditor.standard)).body).toMatchObject({ ok: true, checked: 5 });
  });
});

describe('change-log retention past a broken chain', () => {
  let idp: TestIdp;
  /** The deployment's log at level error, as the operator reads it. */
  const logged: Record<string, any>[] = [];

  beforeAll(async () => {
    const logger = createLogger('error', { write: (line: string) => void logged.push(JSON.parse(line)) });
    idp = await startTestIdp({ logger });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it('records the tenant whose chain is broken, keeps its entries, and prunes the tenants after it', async () => {
    // Slugs are visited in order: the broken one comes first.
    const broken = await asSetup(() => idp.services.tenants.create({ slug: 'a-broken', name: 'Broken' }));
    const intact = await asSetup(() => idp.services.tenants.create({ slug: 'b-intact', name: 'Intact' }));
    for (const tenant of [broken, intact]) {
      const log = new ChangeLogService(idp.db.models, { now: () => daysAgo(800), logger: createLogger('silent') });
      for (let i = 0; i < 3; i++) await asSetup(() => log.append(tenant._id, { action: 'user.updated', subjectType: 'user', subjectId: `usr_${i}`, fields: ['name'] }));
      await asSetup(() => idp.services.users.create(tenant, { email: `new@${tenant.slug}.test` }));
    }
    const count = (tenant: TenantDoc) => idp.db.models.changeLog.countDocuments({ tenantId: tenant._id });
    const before = await count(broken);
    await idp.db.models.changeLog.collection.updateOne({ tenantId: broken._id, seq: 2 }, { $set: { fields: ['email'] } });

    const run = await idp.scheduler.runNow('change-log-retention');

    expect(run).toEqual({
      ran: true,
      result: { pruned: expect.any(Number), failed: [{ tenantId: broken._id, slug: 'a-broken', error: expect.stringMatching(/^ChangeLogBrokenError: .*entry 2 \(hash-mismatch\)/) }] },
    });
    expect(await count(broken)).toBe(before);
    const oldest = (await idp.services.changeLog.list(intact._id, {}, { limit: 500 })).items.at(-1)!;
    expect(oldest.at.getTime()).toBeGreaterThan(daysAgo(730).getTime());
    expect(await idp.services.changeLog.verify(intact._id)).toMatchObject({ ok: true });
    const skipped = logged.filter((line) => line.msg === 'change-log retention: tenant skipped');
    expect(skipped).toEqual([expect.objectContaining({ tenantId: broken._id, err: expect.objectContaining({ type: 'ChangeLogBrokenError' }) })]);
  });
});
