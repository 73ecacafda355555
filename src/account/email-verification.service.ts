import { runWithContext, type RequestContext } from '../audit/request-context.js';
import { normalizeEmail } from '../crypto/field-cipher.js';
import { isLocale } from '../i18n/locales.js';
import type { MailComposer } from '../mail/mail-composer.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { User, UserService } from '../users/user.service.js';
import type { AccountLinks } from './account-links.js';
import type { AccountTokens, LinkProblem } from './account-tokens.js';

export const VERIFICATION_TTL_MS = 7 * 24 * 60 * 60_000;

export type VerificationLookup = { ok: true; user: User; emailHash: string } | { ok: false; problem: LinkProblem; locale?: string };

/**
 * Verifies a user's email address after it changed: a link to the new address, which marks it verified. The
 * link names the address it was sent to (by its blind index), so it cannot verify a later one.
 */
export class EmailVerificationService {
  constructor(
    private readonly users: UserService,
    private readonly tokens: AccountTokens,
    private readonly outbox: OutboxService,
    private readonly composer: MailComposer,
    private readonly links: AccountLinks,
    private readonly keyring: TenantKeyring,
    private readonly loadTenant: (tenantId: string) => Promise<TenantDoc | null>,
  ) {}

  async send(tenantRef: Pick<TenantDoc, '_id'>, user: User): Promise<void> {
    const tenant = await this.loadTenant(tenantRef._id);
    if (!tenant || !user.email || user.emailVerified) return;
    const emailHash = this.emailHash(tenant, user.email);
    const { token, expiresAt } = await this.tokens.issue(tenant._id, { kind: 'email_verification', userId: user.id, emailHash, ttlMs: VERIFICATION_TTL_MS });
    const locale = isLocale(user.locale) ? user.locale : (tenant.settings.defaultLocale ?? tenant.settings.locales[0] ?? 'en');
    const message = this.composer.compose({
      kind: 'email_verification',
      locale,
      tenantName: tenant.name,
      to: user.email,
      name: user.name,
      link: this.links.emailVerification(tenant.slug, token),
      expiresAt,
    });
    await this.outbox.enqueue(tenant, { kind: 'email_verification', subjectId: user.id, message });
  }

  async find(tenant: TenantDoc, token: string): Promise<VerificationLookup> {
    const found = await this.tokens.find(tenant._id, 'email_verification', token);
    const user = await this.users.findById(tenant, found.ok ? found.token.userId : (found.userId ?? ''));
    if (!found.ok) return { ok: false, problem: found.problem, locale: user?.locale };
    // The address changed again since this mail: its link verifies nothing any more.
    if (!user?.email || this.emailHash(tenant, user.email) !== found.token.emailHash) return { ok: false, problem: 'expired', locale: user?.locale };
    return { ok: true, user, emailHash: found.token.emailHash };
  }

  /** Marks the address verified, as the user who proved they receive mail there. */
  async confirm(tenant: TenantDoc, token: string, request: Omit<RequestContext, 'actor'>): Promise<VerificationLookup> {
    const found = await this.find(tenant, token);
    if (!found.ok) return found;
    const used = await this.tokens.consume(tenant._id, 'email_verification', token);
    if (!used.ok) return { ok: false, problem: used.problem, locale: found.user.locale };
    const { user, emailHash } = found;
    const confirmed = await runWithContext({ ...request, actor: { type: 'user', id: user.id } }, () => this.users.confirmEmail(tenant, user.id, emailHash));
    return confirmed ? { ok: true, user: { ...user, emailVerified: true }, emailHash } : { ok: false, problem: 'expired', locale: user.locale };
  }

  private emailHash(tenant: TenantDoc, email: string): string {
    return this.keyring.cipherFor(tenant).blindIndex(normalizeEmail(email), 'email');
  }
}
