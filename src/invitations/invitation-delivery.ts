import { isLocale } from '../i18n/locales.js';
import type { AccountLinks } from '../account/account-links.js';
import type { MailComposer } from '../mail/mail-composer.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { InvitationDoc, InvitationModel } from './invitation.model.js';
import { toInvitation, type Invitation } from './invitation-view.js';

/**
 * Queues an invitation's mail and makes it the invitation's current one. The link's token exists in clear
 * only here, on its way into the sealed message.
 */
export class InvitationDelivery {
  constructor(
    private readonly invitations: InvitationModel,
    private readonly keyring: TenantKeyring,
    private readonly outbox: OutboxService,
    private readonly composer: MailComposer,
    private readonly links: AccountLinks,
  ) {}

  async send(tenant: TenantDoc, doc: InvitationDoc, token: string): Promise<Invitation> {
    const cipher = this.keyring.cipherFor(tenant);
    const message = this.composer.compose({
      kind: 'invitation',
      locale: isLocale(doc.locale) ? doc.locale : 'en',
      tenantName: tenant.name,
      to: cipher.decrypt(doc.email!, 'email'),
      name: cipher.decryptOptional(doc.name, 'name'),
      link: this.link(tenant, token),
      expiresAt: doc.expiresAt,
    });
    const job = await this.outbox.enqueue(tenant, { kind: 'invitation', subjectId: doc._id, message });
    await this.invitations.updateOne({ tenantId: tenant._id, _id: doc._id }, { $set: { deliveryJobId: job._id } });
    return toInvitation(cipher, { ...doc, deliveryJobId: job._id }, new Map([[job._id, job.state]]));
  }

  link(tenant: TenantDoc, token: string): string {
    return this.links.invitation(tenant.slug, token);
  }
}
