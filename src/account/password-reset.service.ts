import { runWithContext, type RequestContext } from '../audit/request-context.js';
import { isLocale, type Locale } from '../i18n/locales.js';
import type { MailComposer } from '../mail/mail-composer.js';
import type { OutboxService } from '../outbox/outbox.service.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { User, UserService } from '../users/user.service.js';
import type { AccountLinks } from './account-links.js';
import type { AccountTokens, LinkProblem } from './account-tokens.js';
import type { LinkAttempts } from './link-attempts.js';

export const RESET_TTL_MS = 60 * 60_000;
/** One reset mail per account per this period, however often the form is sent: no mail bombing. */
export const RESET_THROTTLE_MS = 60_000;
/**
 * Who can reset: an active user, and one locked by the lockout after failed sign-ins, since a reset is the
 * self-service way back in from that. An admin's lock is the admin's to lift: proving control of the mailbox
 * does not undo it.
 */
const mayReset = (user: User): boolean => user.status === 'active' || (user.status === 'locked' && user.lockedBy === 'lockout');

export type ResetLookup = { ok: true; user: User } | { ok: false; problem: LinkProblem; locale?: string };

/** Password reset by an emailed single-use link. */
export class PasswordResetService {
  constructor(
    private readonly users: UserService,
    private readonly tokens: AccountTokens,
    private readonly outbox: OutboxService,
    private readonly composer: MailComposer,
    private readonly links: AccountLinks,
    /** The new passwords each link takes. */
    private readonly attempts: LinkAttempts,
  ) {}

  /** Spends one of the link's tries of a new password; false when none is left. */
  tryPassword(tenant: TenantDoc, token: string): Promise<boolean> {
    return this.attempts.take(tenant._id, token);
  }

  private readonly inFlight = new Set<Promise<void>>();

  /**
   * `request`, started for the reset form, which answers before it is done: the work differs between an
   * address with an account (a token, a mail composed and queued) and one without (nothing), and an answer
   * that waited for it would tell them apart by its time. `settled` waits for all of them (shutdown, specs).
   */
  start(tenant: TenantDoc, email: string, pageLocale: Locale): Promise<void> {
    const job: Promise<void> = this.request(tenant, email, pageLocale).finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
    return job;
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Sends a reset link if the email belongs to a user who may reset. The caller answers the same either way,
   * so the form tells nobody whether an address has an account.
   */
  async request(tenant: TenantDoc, email: string, pageLocale: Locale): Promise<void> {
    if (!email.includes('@') || email.length > 320) return;
    const [user] = (await this.users.list(tenant, { email, limit: 1 })).items;
    if (!user?.email || !mayReset(user)) return;
    const last = await this.tokens.lastIssuedAt(tenant._id, 'password_reset', user.id);
    if (last && Date.now() - last.getTime() < RESET_THROTTLE_MS) return;
    const { token, expiresAt } = await this.tokens.issue(tenant._id, { kind: 'password_reset', userId: user.id, ttlMs: RESET_TTL_MS });
    const locale = isLocale(user.locale) && tenant.settings.locales.includes(user.locale) ? user.locale : pageLocale;
    const message = this.composer.compose({
      kind: 'password_reset',
      locale,
      tenantName: tenant.name,
      to: user.email,
      name: user.name,
      link: this.links.passwordReset(tenant.slug, token),
      expiresAt,
    });
    await this.outbox.enqueue(tenant, { kind: 'password_reset', subjectId: user.id, message });
  }

  async find(tenant: TenantDoc, token: string): Promise<ResetLookup> {
    const found = await this.tokens.find(tenant._id, 'password_reset', token);
    if (!found.ok) return { ok: false, problem: found.problem, locale: await this.localeOf(tenant, found.userId) };
    const user = await this.users.findById(tenant, found.token.userId);
    return user && mayReset(user) ? { ok: true, user } : { ok: false, problem: 'invalid' };
  }

  /**
   * Uses the link up and sets the password (already checked against the policy), as the user: the change log
   * names the person who proved control of the mailbox. An account locked by the lockout is unlocked, and
   * logged as such.
   */
  async complete(tenant: TenantDoc, token: string, password: string, request: Omit<RequestContext, 'actor'>): Promise<ResetLookup> {
    const found = await this.find(tenant, token);
    if (!found.ok) return found;
    const used = await this.tokens.consume(tenant._id, 'password_reset', token);
    if (!used.ok) return { ok: false, problem: used.problem, locale: found.user.locale };
    const { user } = found;
    await runWithContext({ ...request, actor: { type: 'user', id: user.id } }, async () => {
      await this.users.setPassword(tenant, user.id, password);
      if (user.status === 'locked') await this.users.setStatus(tenant, user.id, { from: ['locked'], to: 'active', action: 'user.unlocked' });
    });
    return { ok: true, user: { ...user, status: 'active' } };
  }

  /** The language of the person a dead link was sent to, so its page speaks as the mail did. */
  private async localeOf(tenant: TenantDoc, userId: string | undefined): Promise<string | undefined> {
    return userId ? (await this.users.findById(tenant, userId))?.locale : undefined;
  }
}
