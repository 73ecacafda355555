import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

export type UserStatus = 'invited' | 'active' | 'locked' | 'restricted' | 'anonymized';
/** Who locked a `locked` user: the lockout after failed sign-ins, or an admin (migration 0003 gave locks of unknown origin to admins). */
export type LockOrigin = 'lockout' | 'admin';

/** What is stored. Personal fields hold sealed boxes (see FieldCipher); `emailHash` is the blind index. */
export interface UserDoc {
  /** The subject identifier (`sub`), stable and never reused. */
  _id: string;
  tenantId: string;
  email?: string;
  emailHash?: string;
  emailVerified: boolean;
  name?: string;
  givenName?: string;
  familyName?: string;
  phone?: string;
  locale?: string;
  /** The provisioning client's id for the person (SCIM `externalId`), sealed; `externalIdHash` is its blind index. */
  externalId?: string;
  externalIdHash?: string;
  passwordHash?: string;
  /** Set with a temporary password by an admin; the change-password sign-in step clears it. */
  mustChangePassword?: boolean;
  roles: string[];
  status: UserStatus;
  /** Set while `locked`: a password reset lifts only the lockout's lock, never an admin's. */
  lockedBy?: LockOrigin;
  lastActiveAt?: Date;
  /**
   * Changed whenever the door grants this user holds change, their own or their roles' (DoorPermissionService):
   * a process that kept the user's grants for a token's claims keeps using them only while this is unchanged.
   * A random value, not personal data; absent until the first change.
   */
  doorGrantsStamp?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The personal fields that are encrypted at rest; the change log names these, never their values. */
export const ENCRYPTED_USER_FIELDS = ['email', 'name', 'givenName', 'familyName', 'phone', 'externalId'] as const;
export type EncryptedUserField = (typeof ENCRYPTED_USER_FIELDS)[number];

const UserSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    email: String,
    emailHash: String,
    emailVerified: { type: Boolean, default: false },
    name: String,
    givenName: String,
    familyName: String,
    phone: String,
    locale: String,
    externalId: String,
    externalIdHash: String,
    passwordHash: String,
    mustChangePassword: Boolean,
    roles: { type: [String], default: [] },
    status: { type: String, enum: ['invited', 'active', 'locked', 'restricted', 'anonymized'], default: 'active' },
    lockedBy: { type: String, enum: ['lockout', 'admin'] },
    lastActiveAt: Date,
    doorGrantsStamp: String,
  },
  { collection: 'users', timestamps: true, versionKey: false },
);
UserSchema.plugin(tenantScopePlugin, { listedById: true });
// The unique {tenantId, emailHash} index differs by server, so it is created in user-email-index.ts.
UserSchema.index({ tenantId: 1, lastActiveAt: 1 });
// SCIM's `filter=externalId eq "…"`: not unique, the client's ids are its own business (RFC 7643 §3.1).
UserSchema.index({ tenantId: 1, externalIdHash: 1 });

export type UserModel = Model<UserDoc>;

export function userModel(connection: Connection): UserModel {
  return connection.model<UserDoc>('User', UserSchema);
}
