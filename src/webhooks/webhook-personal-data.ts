import type { TenantLookup } from '../outbox/tenant-lookup.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { UserService } from '../users/user.service.js';

/** What an opted-in subscription adds to an event about a user. */
export interface PersonalFields {
  name?: string;
  email?: string;
}

/**
 * The personal data a subscription that opted in receives, and the sealing of the bodies that carry it: such a
 * body is stored with the tenant's data key, as every other copy of a name or address is, so terminating the
 * tenant (crypto-shredding) makes it unreadable too.
 */
export class WebhookPersonalData {
  constructor(
    private readonly tenants: TenantLookup,
    private readonly keyring: TenantKeyring,
    private readonly users: Pick<UserService, 'findById'>,
  ) {}

  /**
   * The user's name and address now; nothing once the user is gone or anonymized, nor while their processing
   * is restricted (GDPR Art. 18: the data is kept, not passed on).
   */
  async of(tenantId: string, userId: string): Promise<PersonalFields | undefined> {
    const tenant = await this.tenant(tenantId);
    const user = tenant && (await this.users.findById(tenant, userId));
    if (!user || user.status === 'anonymized' || user.status === 'restricted') return undefined;
    return { ...(user.name ? { name: user.name } : {}), ...(user.email ? { email: user.email } : {}) };
  }

  async seal(tenantId: string, jobId: string, body: string): Promise<string> {
    const tenant = await this.tenant(tenantId);
    if (!tenant) throw new Error(`tenant ${tenantId} has no data key`);
    return this.keyring.cipherFor(tenant).encrypt(body, bodyField(jobId));
  }

  /** Undefined when the tenant's key is gone (terminated): the body can never be read again. */
  async open(tenantId: string, jobId: string, box: string): Promise<string | undefined> {
    const tenant = await this.tenant(tenantId);
    return tenant ? this.keyring.cipherFor(tenant).decrypt(box, bodyField(jobId)) : undefined;
  }

  private async tenant(tenantId: string) {
    const tenant = (await this.tenants([tenantId])).get(tenantId);
    return tenant?.wrappedDataKey && tenant.state !== 'terminated' ? tenant : undefined;
  }
}

/** Binds a sealed body to its job: it cannot be moved to another. */
const bodyField = (jobId: string) => `webhook_outbox:${jobId}`;
