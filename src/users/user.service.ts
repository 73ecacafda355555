import { normalizeEmail } from '../crypto/field-cipher.js';
import { newId } from '../db/ids.js';
import { ConflictError, NotFoundError } from '../errors/http-errors.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { PasswordHasher } from './password-hasher.js';
import type { UserDoc, UserModel, UserStatus } from './user.model.js';

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
  roles: string[];
  status: UserStatus;
  lastActiveAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreateUserInput {
  email: string;
  password?: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  phone?: string;
  locale?: string;
  roles?: string[];
  emailVerified?: boolean;
  status?: UserStatus;
}

type TenantRef = Pick<TenantDoc, '_id' | 'wrappedDataKey'>;

export class UserService {
  constructor(
    private readonly users: UserModel,
    private readonly keyring: TenantKeyring,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(tenant: TenantRef, input: CreateUserInput): Promise<User> {
    const cipher = this.keyring.cipherFor(tenant);
    const email = normalizeEmail(input.email);
    const emailHash = cipher.blindIndex(email, 'email');
    if (await this.users.exists({ tenantId: tenant._id, emailHash })) throw new ConflictError('A user with this email already exists');
    const _id = newId('usr');
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
      locale: input.locale,
      passwordHash: input.password ? await this.hasher.hash(input.password) : undefined,
      roles: input.roles ?? [],
      status: input.status ?? 'active',
    };
    const [created] = await this.users.insertMany([doc]);
    return this.decrypt(tenant, created!.toObject());
  }

  async findById(tenant: TenantRef, id: string): Promise<User | null> {
    const doc = await this.users.findOne({ tenantId: tenant._id, _id: id }).lean();
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
      await this.users.updateOne({ tenantId: tenant._id, _id: doc._id }, { $set: { passwordHash: await this.hasher.hash(password) } });
    }
    return this.decrypt(tenant, doc);
  }

  async touchLastActive(tenantId: string, id: string): Promise<void> {
    await this.users.updateOne({ tenantId, _id: id }, { $set: { lastActiveAt: new Date() } }, { timestamps: false });
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
      locale: doc.locale,
      roles: doc.roles,
      status: doc.status,
      lastActiveAt: doc.lastActiveAt,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    };
  }
}
