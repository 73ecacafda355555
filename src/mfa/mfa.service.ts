import type { ChangeLogService } from '../audit/change-log.service.js';
import { newId } from '../db/ids.js';
import { NotFoundError } from '../errors/http-errors.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { User } from '../users/user.service.js';
import type { RateLimitStore } from '../security/rate-limit.store.js';
import { ChallengeStore } from './challenge-store.js';
import { CodeAttempts } from './code-attempts.js';
import type { MfaChallengeModel } from './mfa-challenge.model.js';
import type { MfaFactorDoc, MfaFactorModel } from './mfa-factor.model.js';
import { PasskeyService } from './passkey.service.js';
import { generateRecoveryCodes, isTotpCode, normalizeRecoveryCode } from './recovery-codes.js';
import { TotpService } from './totp.service.js';

type TenantRef = Pick<TenantDoc, '_id' | 'wrappedDataKey' | 'name'>;

export interface MfaSummary {
  totp: { id: string; createdAt: Date; lastUsedAt?: Date } | null;
  passkeys: { id: string; deviceType?: string; createdAt: Date; lastUsedAt?: Date }[];
  recoveryCodesLeft: number;
}

export type CodeCheck = { ok: true; amr: string[] } | { ok: false; reason: 'invalid' | 'blocked' };

/** A user's second factors: which they have, the tenant's policy, codes, and removal (by them or an admin). */
export class MfaService {
  readonly totp: TotpService;
  readonly passkeys: PasskeyService;
  private readonly attempts: CodeAttempts;

  constructor(
    private readonly factors: MfaFactorModel,
    challenges: MfaChallengeModel,
    private readonly keyring: TenantKeyring,
    private readonly changeLog: ChangeLogService,
    rateLimits: RateLimitStore,
  ) {
    const store = new ChallengeStore(challenges);
    this.totp = new TotpService(factors, store, keyring, changeLog);
    this.passkeys = new PasskeyService(factors, store, changeLog);
    this.attempts = new CodeAttempts(rateLimits);
  }

  /** The tenant requires a second factor of users holding any of the listed roles. */
  requiredFor(tenant: Pick<TenantDoc, 'settings'>, user: Pick<User, 'roles'>): boolean {
    const roles = tenant.settings.mfa.requiredForRoles;
    return user.roles.some((role) => roles.includes(role));
  }

  /** An authenticator app or a passkey; recovery codes alone are a fallback, not a factor. */
  async hasSecondFactor(tenantId: string, userId: string): Promise<boolean> {
    return Boolean(await this.factors.exists({ tenantId, userId, type: { $in: ['totp', 'passkey'] } }));
  }

  async summary(tenantId: string, userId: string): Promise<MfaSummary> {
    const docs = await this.factors.find({ tenantId, userId }).sort({ createdAt: 1 }).lean();
    const totp = docs.find((d) => d.type === 'totp');
    return {
      totp: totp ? { id: totp._id, createdAt: totp.createdAt, lastUsedAt: totp.lastUsedAt } : null,
      passkeys: docs.filter((d) => d.type === 'passkey').map((d) => ({ id: d._id, deviceType: d.deviceType, createdAt: d.createdAt, lastUsedAt: d.lastUsedAt })),
      recoveryCodesLeft: docs.find((d) => d.type === 'recovery_codes')?.codeHashes?.length ?? 0,
    };
  }

  /** An authenticator-app code or a recovery code, with a limit on wrong guesses per user. */
  async checkCode(tenant: TenantRef, userId: string, input: string): Promise<CodeCheck> {
    if (await this.attempts.blocked(tenant._id, userId)) return { ok: false, reason: 'blocked' };
    const ok = isTotpCode(input) ? await this.totp.verify(tenant, userId, input) : await this.useRecoveryCode(tenant, userId, input);
    if (!ok) {
      await this.attempts.fail(tenant._id, userId);
      return { ok: false, reason: 'invalid' };
    }
    await this.attempts.reset(tenant._id, userId);
    return { ok: true, amr: ['otp'] };
  }

  /** New recovery codes, replacing any earlier ones; shown once, stored as keyed hashes. */
  async issueRecoveryCodes(tenant: TenantRef, userId: string): Promise<string[]> {
    const codes = generateRecoveryCodes();
    const codeHashes = codes.map((code) => this.hashCode(tenant, userId, normalizeRecoveryCode(code)!));
    const change = { action: 'mfa.recovery_codes_issued', subjectType: 'user', subjectId: userId, fields: ['recoveryCodes'] };
    await this.changeLog.record(tenant._id, change, async () => {
      await this.factors.deleteMany({ tenantId: tenant._id, userId, type: 'recovery_codes' });
      await this.factors.insertMany([{ _id: newId('mfa'), tenantId: tenant._id, userId, type: 'recovery_codes', codeHashes }]);
    });
    return codes;
  }

  /** After enrolling a first factor: recovery codes if the user has none left, else nothing to show. */
  async recoveryCodesIfNone(tenant: TenantRef, userId: string): Promise<string[] | undefined> {
    const { recoveryCodesLeft } = await this.summary(tenant._id, userId);
    return recoveryCodesLeft ? undefined : this.issueRecoveryCodes(tenant, userId);
  }

  /** Removes one authenticator app or passkey; the recovery codes go with the last of them. */
  async removeFactor(tenantId: string, userId: string, factorId: string): Promise<void> {
    const factor = await this.factors.findOne({ tenantId, userId, _id: factorId, type: { $in: ['totp', 'passkey'] } }).lean();
    if (!factor) throw new NotFoundError('Factor');
    const change = { action: 'mfa.factor_removed', subjectType: 'user', subjectId: userId, fields: [fieldOf(factor)] };
    await this.changeLog.record(tenantId, change, () => this.factors.deleteOne({ tenantId, _id: factorId }));
    if (!(await this.hasSecondFactor(tenantId, userId))) await this.removeAll(tenantId, userId);
  }

  /** Every factor of the user: they enrol again at their next sign-in if the tenant requires it. */
  async removeAll(tenantId: string, userId: string): Promise<number> {
    const docs = await this.factors.find({ tenantId, userId }).lean();
    if (!docs.length) return 0;
    const fields = [...new Set(docs.map(fieldOf))];
    const change = { action: 'mfa.factors_removed', subjectType: 'user', subjectId: userId, fields };
    const { deletedCount } = await this.changeLog.record(tenantId, change, () => this.factors.deleteMany({ tenantId, userId }));
    return deletedCount;
  }

  private async useRecoveryCode(tenant: TenantRef, userId: string, input: string): Promise<boolean> {
    const code = normalizeRecoveryCode(input);
    if (!code) return false;
    const hash = this.hashCode(tenant, userId, code);
    const filter = { tenantId: tenant._id, userId, type: 'recovery_codes' as const, codeHashes: hash };
    if (!(await this.factors.exists(filter))) return false;
    const change = { action: 'mfa.recovery_code_used', subjectType: 'user', subjectId: userId, fields: ['recoveryCodes'] };
    // The pull is the use: of two requests with the same code, only one removes it.
    const { modifiedCount } = await this.changeLog.record(tenant._id, change, () =>
      this.factors.updateOne(filter, { $pull: { codeHashes: hash }, $set: { lastUsedAt: new Date() } }),
    );
    return modifiedCount === 1;
  }

  private hashCode(tenant: TenantRef, userId: string, code: string): string {
    return this.keyring.cipherFor(tenant).blindIndex(`${userId}:${code}`, 'recoveryCode');
  }
}

function fieldOf(factor: Pick<MfaFactorDoc, 'type'>): string {
  return { totp: 'totpSecret', passkey: 'passkey', recovery_codes: 'recoveryCodes' }[factor.type];
}
