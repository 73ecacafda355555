import { isDuplicateKey } from '../db/duplicate-key.js';
import { ScopedCollection } from '../db/scoped-collection.js';
import { normalizeEmail } from '../crypto/field-cipher.js';
import { newId } from '../db/ids.js';
import { ConflictError, NotFoundError, ProcessingRestrictedError } from '../errors/http-errors.js';
import type { ChangeLogService } from '../audit/change-log.service.js';
import { currentContext, runWithContext } from '../audit/request-context.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import { anonymizeUpdate, ANONYMIZED_AWAY } from '../privacy/anonymized-user.js';
import type { RoleMembershipHistory } from '../roles/role-membership-history.js';
import { ERASED_WITH_SUBJECT, type SubjectErasure } from '../privacy/subject-erasure.js';
import { checkPassword, passwordContext, PasswordRefusedError } from '../security/password-policy.js';
import type { PasswordHasher } from './password-hasher.js';
import type { LockOrigin, UserDoc, UserModel, UserStatus } from './user.model.js';

/** A user with personal fields in clear: exists only in memory, never stored. */
export interface User {
  id: string;
  tenantId: string;
  email?: string;
  emailVerified: boolean;
  name?: string;
  givenName?: string;
  familyName?: string;
  phone?: string;
  locale?: string;
  /** The provisioning client's id for the person (SCIM `externalId`). */
  externalId?: string;
  roles: string[];
  status: UserStatus;
  /** Who locked a locked user; absent otherwise. */
  lockedBy?: LockOrigin;
  /** Signed in with a temporary password set by an admin: a new one is chosen before the sign-in finishes. */
  mustChangePassword: boolean;
  lastActiveAt?: Date;
  /** See UserDoc.doorGrantsStamp: read with the roles, it says whether grants kept for claims still hold. */
  doorGrantsStamp?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreateUserInput {
  /** Chosen by the caller when it must name the user before it exists (an accepted invitation's actor). */
  id?: string;
  email: string;
  password?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  phone?: string;
  locale?: string;
  externalId?: string;
  roles?: string[];
  emailVerified?: boolean;
  status?: UserStatus;
}

type TenantRef = Pick<TenantDoc, '_id' | 'wrappedDataKey'>;

export type UserPatch = Partial<Pick<CreateUserInput, 'email' | 'name' | 'givenName' | 'familyName' | 'phone' | 'locale' | 'externalId' | 'roles'>>;

export interface UserListQuery {
  email?: string;
  externalId?: string;
  status?: UserStatus;
  role?: string;
  /** Only these users (those of other tenants or none are simply not found). */
  ids?: string[];
  cursor?: string;
  limit: number;
}

/** What happens to a user's sessions and tokens: ended when the user may no longer use them. */
export type RevokeAccount = (tenantId: string, accountId: string) => Promise<unknown>;

const PERSONAL_FIELDS = ['email', 'name', 'givenName', 'familyName', 'phone', 'externalId'] as const;
/** Everything a user record holds about the person: what a deletion removes. */
const STORED_FIELDS = [...PERSONAL_FIELDS, 'emailVerified', 'locale', 'passwordHash', 'roles', 'status', 'lastActiveAt'] as const;

/**
 * Users of a tenant. Every write of personal data goes through `changeLog.record`, so the change and its
 * entry cannot be separated, whichever path (admin API, sign-in, invitation, job) made it.
 */
/** How fine `lastActiveAt` is kept: an inactivity period is months long. */
const ACTIVITY_RESOLUTION_MS = 3600_000;

export class UserService {
  /** Told after a user's email changed, to have the new address verified (src/account/email-verification.service.ts). */
  onEmailChanged: ((tenant: TenantRef, user: User) => Promise<void>) | undefined;
  /** Told when a user's failed sign-ins no longer count: unlocked, or given a new password (src/security/login-lockout.ts). */
  onSignInFailuresCleared: ((tenantId: string, emailHash: string) => Promise<void>) | undefined;

  /**
   * Reads by id through the driver alone: every refresh and userinfo call reads its user, and the filter (two
   * strings) and the plain document need nothing of Mongoose's query building and casting.
   */
  private readonly byId: ScopedCollection<UserDoc>;

  constructor(
    private readonly users: UserModel,
    private readonly keyring: TenantKeyring,
    private readonly hasher: PasswordHasher,
    private readonly changeLog: ChangeLogService,
    private readonly revokeAccount: RevokeAccount,
    private readonly subjects: SubjectErasure,
    /** Every change of `roles` is appended here too, inside the change-log entry's write, whatever the path. */
    private readonly memberships: RoleMembershipHistory,
  ) {
    this.byId = new ScopedCollection(users, {});
  }

  async create(tenant: TenantRef, input: CreateUserInput): Promise<User> {
    const cipher = this.keyring.cipherFor(tenant);
    const email = normalizeEmail(input.email);
    const emailHash = cipher.blindIndex(email, 'email');
    if (await this.users.exists({ tenantId: tenant._id, emailHash })) throw new ConflictError(EMAIL_TAKEN);
    const _id = input.id ?? newId('usr');
    // Ids are random, but "never reused" is a rule, not a likelihood: an erased person's id stays theirs.
    if (await this.subjects.isTombstoned(tenant._id, _id)) throw new ConflictError('This subject id belonged to an erased user and is never reused');
    const doc = {
      _id,
      tenantId: tenant._id,
      email: cipher.encrypt(email, 'email'),
      emailHash,
      emailVerified: input.emailVerified ?? false,
      name: cipher.encryptOptional(input.name, 'name'),
      givenName: cipher.encryptOptional(input.givenName, 'givenName'),
      familyName: cipher.encryptOptional(input.familyName, 'familyName'),
      phone: cipher.encryptOptional(input.phone, 'phone'),
      externalId: cipher.encryptOptional(input.externalId, 'externalId'),
      externalIdHash: input.externalId ? cipher.blindIndex(input.externalId, 'externalId') : undefined,
      locale: input.locale,
      passwordHash: input.password ? await this.hasher.hash(input.password) : undefined,
      roles: input.roles ?? [],
      status: input.status ?? 'active',
    };
    const fields = Object.keys(doc).filter((k) => !['_id', 'tenantId', 'emailHash', 'externalIdHash'].includes(k) && doc[k as keyof typeof doc] !== undefined);
    const created = await this.changeLog.record(tenant._id, { action: 'user.created', subjectType: 'user', subjectId: _id, fields }, () =>
      this.memberships.alongside(tenant._id, _id, [], doc.roles, async () => {
        const [inserted] = await this.users.insertMany([doc]).catch(emailTaken);
        return inserted!.toObject();
      }),
    );
    return this.decrypt(tenant, created);
  }

  async list(tenant: TenantRef, query: UserListQuery): Promise<{ items: User[]; nextCursor: string | null }> {
    const filter = this.filterOf(tenant, query);
    if (query.status) filter.status = query.status;
    if (query.role) filter.roles = query.role;
    // Ordered by id: ids never change, so a page boundary never moves when users are added or removed.
    const byId: Record<string, unknown> = {};
    if (query.ids) byId.$in = query.ids;
    if (query.cursor) byId.$gt = Buffer.from(query.cursor, 'base64url').toString('utf8');
    if (Object.keys(byId).length) filter._id = byId;
    const docs = await this.users.find(filter).sort({ _id: 1 }).limit(query.limit + 1).lean();
    const page = docs.slice(0, query.limit);
    const more = docs.length > query.limit;
    return {
      items: page.map((d) => this.decrypt(tenant, d)),
      nextCursor: more ? Buffer.from(page[page.length - 1]!._id).toString('base64url') : null,
    };
  }

  /** How many users `list` would go through with the same filters, cursor aside (SCIM's totalResults). */
  async count(tenant: TenantRef, query: Omit<UserListQuery, 'cursor' | 'limit'>): Promise<number> {
    const filter = this.filterOf(tenant, query);
    if (query.status) filter.status = query.status;
    if (query.role) filter.roles = query.role;
    return this.users.countDocuments(filter);
  }

  /** Sealed values are found by their blind index only: an email, or a provisioning client's id for the person. */
  private filterOf(tenant: TenantRef, query: Pick<UserListQuery, 'email' | 'externalId'>): Record<string, unknown> {
    const filter: Record<string, unknown> = { tenantId: tenant._id };
    const cipher = this.keyring.cipherFor(tenant);
    if (query.email) filter.emailHash = cipher.blindIndex(normalizeEmail(query.email), 'email');
    if (query.externalId) filter.externalIdHash = cipher.blindIndex(query.externalId, 'externalId');
    return filter;
  }

  async update(tenant: TenantRef, id: string, patch: UserPatch): Promise<User> {
    const current = await this.getById(tenant, id);
    const cipher = this.keyring.cipherFor(tenant);
    const $set: Record<string, unknown> = {};
    const $unset: Record<string, ''> = {};
    const fields: string[] = [];
    for (const field of PERSONAL_FIELDS) {
      const value = field === 'email' && patch.email !== undefined ? normalizeEmail(patch.email) : patch[field];
      if (value === undefined || value === current[field]) continue;
      fields.push(field);
      if (value === '' || value === null) $unset[field] = '';
      else $set[field] = cipher.encrypt(value, field);
    }
    if (fields.includes('externalId')) {
      if ($unset.externalId === '') $unset.externalIdHash = '';
      else $set.externalIdHash = cipher.blindIndex(patch.externalId!, 'externalId');
    }
    if (fields.includes('email')) {
      const emailHash = cipher.blindIndex(normalizeEmail(patch.email!), 'email');
      if (await this.users.exists({ tenantId: tenant._id, emailHash, _id: { $ne: id } })) throw new ConflictError(EMAIL_TAKEN);
      Object.assign($set, { emailHash, emailVerified: false });
      fields.push('emailVerified');
    }
    if (patch.locale !== undefined && patch.locale !== current.locale) ($set.locale = patch.locale), fields.push('locale');
    if (patch.roles !== undefined && JSON.stringify(patch.roles) !== JSON.stringify(current.roles)) {
      // Roles decide which doors open and what apps allow: a new use of the data, not a correction of it.
      if (current.status === 'restricted') throw new ProcessingRestrictedError('Processing of this user is restricted: their roles stay as they are until the restriction is lifted');
      ($set.roles = patch.roles), fields.push('roles');
    }
    if (!fields.length) return current;
    await this.changeLog.record(tenant._id, { action: 'user.updated', subjectType: 'user', subjectId: id, fields }, () =>
      this.memberships.alongside(tenant._id, id, current.roles, patch.roles ?? current.roles, () =>
        this.users.updateOne({ tenantId: tenant._id, _id: id }, { $set, $unset }).catch(emailTaken),
      ),
    );
    const updated = await this.getById(tenant, id);
    if (fields.includes('email')) await this.onEmailChanged?.(tenant, updated);
    return updated;
  }

  /**
   * Sets a new password, refused (PasswordRefusedError) unless the policy accepts it. Every session and token
   * ends: a new password often follows a compromise, and whoever held the old one must not stay signed in.
   * A `temporary` one (set by an admin) must be replaced at the next sign-in; any other clears that demand.
   */
  async setPassword(
    tenant: TenantRef & Pick<TenantDoc, 'name' | 'settings'>,
    id: string,
    password: string,
    action = 'user.password_reset',
    options: { temporary?: boolean } = {},
  ): Promise<void> {
    const user = await this.getById(tenant, id);
    const context = passwordContext(tenant, user);
    const problems = await checkPassword(password, context);
    if (problems.length) throw new PasswordRefusedError(problems, context);
    const passwordHash = await this.hasher.hash(password);
    const mustChangePassword = options.temporary === true;
    const fields = mustChangePassword || user.mustChangePassword ? ['passwordHash', 'mustChangePassword'] : ['passwordHash'];
    await this.changeLog.record(tenant._id, { action, subjectType: 'user', subjectId: id, fields }, () =>
      this.users.updateOne({ tenantId: tenant._id, _id: id }, { $set: { passwordHash, mustChangePassword } }),
    );
    await this.revokeAccount(tenant._id, id);
    await this.clearSignInFailures(tenant, id);
  }

  /** Whether `password` is the user's current one (a new password must differ from a temporary one). */
  async isCurrentPassword(tenant: TenantRef, id: string, password: string): Promise<boolean> {
    const doc = await this.users.findOne({ tenantId: tenant._id, _id: id }, { passwordHash: 1 }).lean();
    return Boolean(doc?.passwordHash) && (await this.hasher.verify(doc!.passwordHash, password));
  }

  /** Marks the email verified if it is still the address `emailHash` names; false when it has changed since. */
  async confirmEmail(tenant: TenantRef, id: string, emailHash: string): Promise<boolean> {
    const change = { action: 'user.email_verified', subjectType: 'user', subjectId: id, fields: ['emailVerified'] };
    if (!(await this.users.exists({ tenantId: tenant._id, _id: id, emailHash }))) return false;
    await this.changeLog.record(tenant._id, change, () => this.users.updateOne({ tenantId: tenant._id, _id: id, emailHash }, { $set: { emailVerified: true } }));
    return true;
  }

  /**
   * Lock, unlock, restrict or lift a restriction. Leaving `active` ends every session and token at once. A lock
   * is an admin's unless `lockedBy` says it is the lockout's: only that one may be lifted by a password reset.
   */
  async setStatus(tenant: TenantRef, id: string, change: { from: UserStatus[]; to: UserStatus; action: string; lockedBy?: LockOrigin }): Promise<User> {
    const { to: status, action } = change;
    const current = await this.getById(tenant, id);
    if (!change.from.includes(current.status)) throw new ConflictError(`A user who is ${current.status} cannot be changed by ${action}`);
    const lockedBy = status === 'locked' ? (change.lockedBy ?? 'admin') : undefined;
    const update = lockedBy ? { $set: { status, lockedBy } } : { $set: { status }, $unset: { lockedBy: '' as const } };
    await this.changeLog.record(tenant._id, { action, subjectType: 'user', subjectId: id, fields: ['status'] }, () =>
      this.users.updateOne({ tenantId: tenant._id, _id: id }, update),
    );
    if (status !== 'active') await this.revokeAccount(tenant._id, id);
    if (current.status === 'locked' && status === 'active') await this.clearSignInFailures(tenant, id);
    return { ...current, status, lockedBy };
  }

  private async clearSignInFailures(tenant: TenantRef, id: string): Promise<void> {
    const doc = await this.users.findOne({ tenantId: tenant._id, _id: id }, { emailHash: 1 }).lean();
    if (doc?.emailHash) await this.onSignInFailuresCleared?.(tenant._id, doc.emailHash);
  }

  /**
   * Erasure: the user's record and everything about them where the registry says it goes (sessions, grants and
   * tokens, invitations, links, mails), their open door grants ended, their id tombstoned so that neither a
   * restore nor a new user brings it back. Change-log entries about them stay: they hold no personal values.
   */
  async delete(tenant: TenantRef, id: string): Promise<void> {
    const { roles } = await this.getById(tenant, id);
    const change = { action: 'user.deleted', subjectType: 'user', subjectId: id, fields: [...STORED_FIELDS, ...ERASED_WITH_SUBJECT] };
    await this.changeLog.record(tenant._id, change, () =>
      this.memberships.alongside(tenant._id, id, roles, [], async () => {
        await this.subjects.eraseAround(tenant._id, id, 'erased');
        await this.users.deleteOne({ tenantId: tenant._id, _id: id });
      }),
    );
  }

  /**
   * Inactivity anonymization: the record stays with its id, status `anonymized` and times; its personal fields,
   * blind index and password hash go, and so does everything erasure removes around it. False when there was
   * nothing left to do. A restricted user is refused: restriction is a request to keep the data.
   */
  async anonymize(tenant: TenantRef, id: string): Promise<boolean> {
    const doc = await this.users.findOne({ tenantId: tenant._id, _id: id }).lean();
    if (!doc) throw new NotFoundError('User');
    if (doc.status === 'anonymized') return false;
    if (doc.status === 'restricted') throw new ConflictError('A restricted user is kept as they are until the restriction is lifted');
    const present = ANONYMIZED_AWAY.filter((field) => doc[field] !== undefined && field !== 'emailHash' && field !== 'externalIdHash');
    const change = { action: 'user.anonymized', subjectType: 'user', subjectId: id, fields: [...present, 'roles', 'status', ...ERASED_WITH_SUBJECT] };
    await this.changeLog.record(tenant._id, change, () =>
      this.memberships.alongside(tenant._id, id, doc.roles, [], async () => {
        await this.subjects.eraseAround(tenant._id, id, 'anonymized');
        await this.users.updateOne({ tenantId: tenant._id, _id: id, status: { $ne: 'anonymized' } }, anonymizeUpdate());
      }),
    );
    return true;
  }

  async findById(tenant: TenantRef, id: string): Promise<User | null> {
    // Without Mongoose's casting, anything but a string (an operator object) must not reach the filter.
    if (typeof id !== 'string') return null;
    const doc = await this.byId.findOne({ tenantId: tenant._id, _id: id });
    return doc ? this.decrypt(tenant, doc) : null;
  }

  async getById(tenant: TenantRef, id: string): Promise<User> {
    const user = await this.findById(tenant, id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  /**
   * Checks a password for sign-in. Returns the user only when the password matches; the caller decides
   * what a non-active status means. Constant work whether or not the email exists.
   */
  async verifyPassword(tenant: TenantRef, email: string, password: string): Promise<User | null> {
    const emailHash = this.keyring.cipherFor(tenant).blindIndex(normalizeEmail(email), 'email');
    const doc = await this.users.findOne({ tenantId: tenant._id, emailHash }).lean();
    if (!(await this.hasher.verify(doc?.passwordHash, password)) || !doc) return null;
    if (this.hasher.needsRehash(doc.passwordHash!)) {
      const passwordHash = await this.hasher.hash(password);
      const change = { action: 'user.password_rehashed', subjectType: 'user', subjectId: doc._id, fields: ['passwordHash'] };
      // The person signing in is the actor: the upgrade happens on their sign-in.
      const context = { ...currentContext(), actor: { type: 'user' as const, id: doc._id } };
      await runWithContext(context, () =>
        this.changeLog.record(tenant._id, change, () => this.users.updateOne({ tenantId: tenant._id, _id: doc._id }, { $set: { passwordHash } })),
      );
    }
    return this.decrypt(tenant, doc);
  }

  /**
   * Marks the user active (sign-in, token refresh); `lastActiveAt` is the value the caller has just read, if any.
   * Hourly granularity is plenty for an inactivity period of
   * months, and keeps a busy refresh path from writing on every request.
   *
   * `lastActiveAt` is personal data, yet deliberately written without a change-log entry. An entry per sign-in
   * or refresh would turn one overwritten value into a dated record of every use of every app, kept for the
   * log's whole retention and readable by auditors: a usage trail the field exists to avoid (data
   * minimisation). Nobody decides this change; the person's own use makes it, and only the inactivity job
   * reads it. The entries of the changes that remove it (deletion, anonymization) still name it.
   */
  async touchLastActive(tenantId: string, id: string, lastActiveAt?: Date): Promise<void> {
    const now = Date.now();
    // Within the hour the update would change nothing: a caller that has just read the user (`lastActiveAt`)
    // skips the write that every sign-in and refresh would otherwise cost.
    if (lastActiveAt && now - lastActiveAt.getTime() < ACTIVITY_RESOLUTION_MS) return;
    const stale = { $or: [{ lastActiveAt: null }, { lastActiveAt: { $lt: new Date(now - ACTIVITY_RESOLUTION_MS) } }] };
    await this.users.updateOne({ tenantId, _id: id, ...stale }, { $set: { lastActiveAt: new Date(now) } }, { timestamps: false });
  }

  private decrypt(tenant: TenantRef, doc: UserDoc): User {
    const cipher = this.keyring.cipherFor(tenant);
    return {
      id: doc._id,
      tenantId: doc.tenantId,
      email: cipher.decryptOptional(doc.email, 'email'),
      emailVerified: doc.emailVerified,
      name: cipher.decryptOptional(doc.name, 'name'),
      givenName: cipher.decryptOptional(doc.givenName, 'givenName'),
      familyName: cipher.decryptOptional(doc.familyName, 'familyName'),
      phone: cipher.decryptOptional(doc.phone, 'phone'),
      externalId: cipher.decryptOptional(doc.externalId, 'externalId'),
      locale: doc.locale,
      roles: doc.roles,
      status: doc.status,
      lockedBy: doc.status === 'locked' ? doc.lockedBy : undefined,
      mustChangePassword: doc.mustChangePassword ?? false,
      lastActiveAt: doc.lastActiveAt,
      doorGrantsStamp: doc.doorGrantsStamp,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    };
  }
}

const EMAIL_TAKEN = 'A user with this email already exists';

/**
 * The unique email index (user-email-index.ts) refused the write: another request took the address between
 * the check above and this write. The check gives the usual answer; the index is what makes it true.
 */
function emailTaken(err: unknown): never {
  throw isDuplicateKey(err) ? new ConflictError(EMAIL_TAKEN) : err;
}
