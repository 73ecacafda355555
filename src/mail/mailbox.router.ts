import type Router from '@koa/router';
import type { Context } from 'koa';
import type { OutboxJobDoc, OutboxJobModel } from '../outbox/outbox.model.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { TenantLookup } from '../outbox/tenant-lookup.js';
import type { ViewRenderer } from '../views/view-renderer.js';

export interface MailboxDeps {
  jobs: OutboxJobModel;
  tenants: TenantLookup;
  outbox: OutboxService;
  views: ViewRenderer;
}

/**
 * GET /dev/mailbox: the mail the local mailbox captured, newest first, links clickable. Registered only in local
 * mode (no SMTP_URL, not production; see config.localMailbox), since it shows live links of every tenant.
 */
export function mailboxRouter(router: Router, deps: MailboxDeps): void {
  router.get('/dev/mailbox', async (ctx: Context) => {
    // Every tenant's captured mail in one list, so the read goes through the driver: the tenant-scope guard
    // (rightly) refuses unscoped model queries, and this page is the local developer's, not a tenant's.
    const jobs = (await deps.jobs.collection.find({ deliveredVia: 'local' }).sort({ createdAt: -1 }).limit(50).toArray()) as unknown as OutboxJobDoc[];
    const byId = await deps.tenants(jobs.map((j) => j.tenantId));
    const mails = jobs.flatMap((job) => {
      const tenant = byId.get(job.tenantId);
      const message = tenant?.wrappedDataKey ? deps.outbox.open(tenant, job) : undefined;
      return tenant && message ? [{ ...message, tenant: tenant.name, kind: job.kind, at: job.sentAt?.toISOString() ?? '' }] : [];
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = deps.views.render('account-mailbox', { locale: 'en', nonce: ctx.state.cspNonce ?? '', tenantName: 'Local mailbox', title: 'Mailbox', mails });
  });
}
