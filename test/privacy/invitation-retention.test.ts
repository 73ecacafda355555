import { adminClient, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { rawDocuments } from '../support/database.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { queuedMail } from '../support/smtp.js';
import { SETUP_TIMEOUT_MS } from './privacy-fixture.js';

const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

describe('retention of invitations that were never accepted', () => {
  let idp: TestIdp;
  let acme: TenantFixture;
  let brief: TenantDoc;
  /** Invitation ids by what happened to them. */
  const ids: Record<string, string> = {};
  /** The sealed addresses the purged invitations held, as stored. */
  const sealed: string[] = [];

  const invite = async (tenant: TenantDoc, key: string) => {
    const invitation = await asSetup(() => idp.services.invitations.create(tenant, { email: `${key}@${tenant.slug}.test`, name: `Invited ${key}`, roles: ['employee'], doors: [] }));
    return (ids[key] = invitation.id);
  };
  const stored = (id: string) => idp.db.models.invitations.findOne({ tenantId: { $exists: true }, _id: id }).lean();
  // The past is written into the documents, never waited for.
  const backdate = (id: string, set: Record<string, Date>) => idp.db.models.invitations.collection.updateOne({ _id: id as never }, { $set: set });
  const failDelivery = async (id: string, days: number) => {
    const { deliveryJobId } = (await stored(id))!;
    await idp.db.models.mailOutbox.collection.updateOne({ _id: deliveryJobId as never }, { $set: { state: 'failed', updatedAt: daysAgo(days) } });
  };

  beforeAll(async () => {
    idp = await startTestIdp();
    acme = await createTenantFixture(idp.services, 'acme');
    brief = await asSetup(() => idp.services.tenants.create({ slug: 'brief', name: 'Brief', settings: { invitationRetentionDays: 7 } }));

    await backdate(await invite(acme.tenant, 'expired-long-ago'), { expiresAt: daysAgo(40) });
    await backdate(await invite(acme.tenant, 'expired-lately'), { expiresAt: daysAgo(10) });
    for (const [key, days] of [['revoked-long-ago', 40], ['revoked-lately', 2]] as const) {
      const id = await invite(acme.tenant, key);
      await asSetup(() => idp.services.invitations.revoke(acme.tenant, id));
      await backdate(id, { revokedAt: daysAgo(days) });
    }
    await failDelivery(await invite(acme.tenant, 'undeliverable-long-ago'), 40);
    await failDelivery(await invite(acme.tenant, 'undeliverable-lately'), 3);
    await invite(acme.tenant, 'pending');
    const accepted = await invite(acme.tenant, 'accepted');
    const { link } = await queuedMail(idp, acme.tenant, 'accepted@acme.test');
    expect((await idp.services.invitationAcceptance.accept(acme.tenant, link.split('/').pop()!, { name: 'Accepted Person', password: PASSWORD }, {})).ok).toBe(true);
    await backdate(accepted, { expiresAt: daysAgo(40), acceptedAt: daysAgo(40) });
    await backdate(await invite(brief, 'expired-a-week-ago'), { expiresAt: daysAgo(8) });

    for (const key of ['expired-long-ago', 'revoked-long-ago', 'undeliverable-long-ago', 'expired-a-week-ago']) sealed.push((await stored(ids[key]!))!.email!);
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it('purges, in the scheduled job, those expired, revoked or undeliverable longer than the tenant’s retention ago', async () => {
    expect(await idp.scheduler.runNow('invitation-retention')).toEqual({ ran: true, result: { purged: 4 } });
    for (const key of ['expired-long-ago', 'revoked-long-ago', 'undeliverable-long-ago', 'expired-a-week-ago']) expect([key, await stored(ids[key]!)]).toEqual([key, null]);
    for (const key of ['expired-lately', 'revoked-lately', 'undeliverable-lately', 'pending', 'accepted']) expect([key, (await stored(ids[key]!))?._id]).toEqual([key, ids[key]]);
  });

  it('leaves neither their sealed address nor their mails anywhere, and tombstones them so no restore brings them back', async () => {
    for (const { collection, text } of await rawDocuments(idp.db.connection.db!)) {
      expect([collection, sealed.filter((box) => text.includes(box))]).toEqual([collection, []]);
    }
    for (const key of ['expired-long-ago', 'undeliverable-long-ago']) {
      expect(await idp.db.models.mailOutbox.countDocuments({ tenantId: acme.tenant._id, subjectId: ids[key]! })).toBe(0);
      expect(await idp.db.models.deletedSubjects.exists({ tenantId: acme.tenant._id, subjectId: ids[key]! })).toBeTruthy();
    }
  });

  it('records each purge in the tenant’s change log under the job’s name, fields only', async () => {
    const auditor = await serviceToken(idp, acme.tenant, ['auditor']);
    const { body } = await adminClient(idp)('GET', '/tenants/acme/change-log?action=invitation.purged', auditor);
    expect(body.items.map((e: { subject_id: string }) => e.subject_id).sort()).toEqual([ids['expired-long-ago'], ids['revoked-long-ago'], ids['undeliverable-long-ago']].sort());
    expect(body.items[0]).toMatchObject({ actor: 'job:invitation-retention', subject_type: 'invitation', fields: expect.arrayContaining(['email', 'name', 'mails']) });
    expect(JSON.stringify(body)).not.toContain('@acme.test');
  });

  it('purges nothing more when run again', async () => {
    expect(await idp.scheduler.runNow('invitation-retention')).toEqual({ ran: true, result: { purged: 0 } });
  });

  it('shows the retention among the tenant’s settings, 30 days unless set', async () => {
    const admin = await serviceToken(idp, acme.tenant, ['tenant_admin']);
    const call = adminClient(idp);
    expect((await call('GET', '/tenants/acme', admin)).body.settings).toMatchObject({ invitation_retention_days: 30 });
    expect((await call('PATCH', '/tenants/acme', admin, { settings: { invitation_retention_days: 14 } })).body.settings).toMatchObject({ invitation_retention_days: 14 });
  });
});
