import type { TenantDoc } from '../tenants/tenant.model.js';
import type { TenantService } from '../tenants/tenant.service.js';
import type { UserModel, UserStatus } from '../users/user.model.js';
import type { UserService } from '../users/user.service.js';

const DAY_MS = 24 * 3600 * 1000;

/** Ids and dates only: a dry run's listing is read by operators, who have no business with names or addresses. */
export interface InactiveUser {
  id: string;
  /** The last sign-in, or the creation of a user who never signed in. */
  lastActivity: Date;
}

export interface TenantInactivity {
  tenant: string;
  inactivityDays: number;
  users: InactiveUser[];
}

/**
 * The promise "when a user has been inactive for more than two years, we anonymize the user's data", per
 * tenant (`settings.inactivityDays`). Restricted users are left alone: restriction asks for the data to be
 * kept. Already anonymized users are not found again, so a run repeated or interrupted changes nothing twice.
 */
export class InactivityAnonymizer {
  constructor(
    private readonly users: UserModel,
    private readonly tenants: TenantService,
    private readonly userService: UserService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Who a run would anonymize now, tenant by tenant (tenants with nobody to anonymize are left out). */
  async preview(): Promise<TenantInactivity[]> {
    const found: TenantInactivity[] = [];
    for await (const tenant of this.eachTenant()) {
      const users: InactiveUser[] = [];
      for await (const user of this.inactive(tenant)) users.push(user);
      if (users.length) found.push({ tenant: tenant.slug, inactivityDays: tenant.settings.inactivityDays, users });
    }
    return found;
  }

  async run(): Promise<{ anonymized: number }> {
    let anonymized = 0;
    for await (const tenant of this.eachTenant()) {
      for await (const user of this.inactive(tenant)) {
        if (await this.userService.anonymize(tenant, user.id)) anonymized += 1;
      }
    }
    return { anonymized };
  }

  private async *inactive(tenant: TenantDoc): AsyncGenerator<InactiveUser> {
    const days = tenant.settings.inactivityDays;
    if (!(days > 0)) return;
    const cutoff = new Date(this.now().getTime() - days * DAY_MS);
    const filter = {
      tenantId: tenant._id,
      status: { $nin: ['anonymized', 'restricted'] as UserStatus[] },
      $or: [{ lastActiveAt: { $lt: cutoff } }, { lastActiveAt: null, createdAt: { $lt: cutoff } }],
    };
    // Ids first, then one user at a time: anonymizing while a cursor is open would move documents under it.
    const docs = await this.users.find(filter, { _id: 1, lastActiveAt: 1, createdAt: 1 }).sort({ _id: 1 }).lean();
    for (const d of docs) yield { id: d._id, lastActivity: d.lastActiveAt ?? d.createdAt };
  }

  private async *eachTenant(): AsyncGenerator<TenantDoc> {
    let cursor: string | undefined;
    do {
      const page = await this.tenants.list({ cursor, limit: 100 });
      // A terminated tenant's data is gone with its key; nothing is left to anonymize.
      for (const tenant of page.items) if (tenant.state !== 'terminated') yield tenant;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}
