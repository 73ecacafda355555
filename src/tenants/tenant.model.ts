import { Schema, type Connection, type Model } from 'mongoose';
import { SUPPORTED_LOCALES, type Locale } from '../i18n/locales.js';

export type TenantState = 'active' | 'suspended' | 'terminated';

/** The languages of a tenant created without a choice: every one the pages and mail speak. */
export const DEFAULT_LOCALES: readonly Locale[] = SUPPORTED_LOCALES;

/** The user claims a resource's JWT access tokens may carry. */
export const RESOURCE_CLAIMS = ['roles', 'door_permissions'] as const;
export type ResourceClaim = (typeof RESOURCE_CLAIMS)[number];

/** An API of the tenant (a lock back-end) that receives JWT access tokens; stored as resource-server.model.ts says. */
export interface ResourceServer {
  /** The resource indicator (RFC 8707), e.g. `urn:demo:locks`. */
  indicator: string;
  name?: string;
  scopes: string[];
  accessTokenTtl: number;
  /** Absent on resources registered before this choice existed: those carry both claims, as they always did. */
  claims?: ResourceClaim[];
}

/** The stored tenant logo's description; the image itself is in tenant_logos (tenant-logo.model.ts). */
export interface TenantLogoInfo {
  contentType: string;
  size: number;
  /** base64url SHA-256 of the image: its ETag, and the version in its URL. */
  sha256: string;
  updatedAt: Date;
}

export interface TenantSettings {
  locales: Locale[];
  /** The sign-in pages' language when the browser asks for none the tenant enabled; one of `locales`. */
  defaultLocale?: Locale | null;
  /** `#rrggbb`, the pages' accent (button background under white text); null or absent: ours. */
  primaryColor?: string | null;
  logo?: TenantLogoInfo | null;
  changeLogRetentionDays: number;
  inactivityDays: number;
  invitationTtlHours: number;
  /** Days an expired, revoked or undeliverable invitation is kept before it is purged (src/privacy/invitation-retention.ts). */
  invitationRetentionDays: number;
  /**
   * Days access events and lock status reports are kept (src/access/access-event-retention.ts). Absent in
   * tenants made before it: every reader takes ACCESS_EVENT_RETENTION_DAYS then, so no migration is needed.
   */
  accessEventRetentionDays?: number;
  /**
   * Seconds a door key opens doors (src/access/door-key.service.ts). Absent in tenants made before it: every
   * reader takes the default (DOOR_KEY_TTL) then, so no migration is needed.
   */
  doorKeyTtl?: number;
  /** The password policy's minimum length for this tenant's users (never below 8, see password-policy.ts). */
  passwordMinLength: number;
  /** Failed sign-ins of one account before it is locked (see src/security/login-lockout.ts); default 5. */
  maxFailedLogins: number;
  /**
   * The tenant's resource servers. Kept in their own collection, not in the stored document: TenantService
   * attaches them to every tenant it returns (migration 0002 moved those old documents listed).
   */
  resources: ResourceServer[];
  /** Token and session lifetimes in seconds; absent means the default (src/oidc/token-lifetimes.ts). */
  accessTokenTtl?: number;
  idTokenTtl?: number;
  refreshTokenTtl?: number;
  sessionTtl?: number;
  /** Seconds a rotated refresh token is still honoured (a retried refresh); absent means 0 (token-lifetimes.ts). */
  refreshTokenReuseInterval?: number;
  /** Second factors: required of users holding any of these roles, optional for everyone else. */
  mfa: { requiredForRoles: string[] };
  /** What a SCIM DELETE of a user does: lock them (the default) or erase them (src/scim). */
  scimDeprovisioning?: ScimDeprovisioning;
}

export type ScimDeprovisioning = 'deactivate' | 'erase';

export interface TenantDoc {
  _id: string;
  slug: string;
  name: string;
  state: TenantState;
  /** Bumped on every change a provider depends on (settings, keys, state); processes rebuild on a new value. */
  configVersion: number;
  settings: TenantSettings;
  /**
   * The tenant's data key, wrapped by the master key. Kept in the tenant key registry, never in the stored
   * document (src/privacy/tenant-key.model.ts); TenantService attaches it. Destroying it shreds every copy of
   * the tenant's sealed PII, backups included.
   */
  wrappedDataKey: string;
  /**
   * The ids of the tenant's signing keys, kept with every key change (creation, rotation), so building its
   * provider reads exactly those by `_id`. Absent in tenants made before; their keys are found by tenantId.
   */
  signingKeyIds?: string[];
  createdAt: Date;
  updatedAt: Date;
}

const TenantSchema = new Schema<TenantDoc>(
  {
    _id: { type: String, required: true },
    slug: { type: String, required: true },
    name: { type: String, required: true },
    state: { type: String, enum: ['active', 'suspended', 'terminated'], default: 'active' },
    configVersion: { type: Number, default: 1 },
    settings: {
      locales: { type: [String], default: () => [...DEFAULT_LOCALES] },
      defaultLocale: String,
      primaryColor: String,
      logo: { type: new Schema<TenantLogoInfo>({ contentType: String, size: Number, sha256: String, updatedAt: Date }, { _id: false }), default: undefined },
      changeLogRetentionDays: { type: Number, default: 730 },
      inactivityDays: { type: Number, default: 730 },
      invitationTtlHours: { type: Number, default: 168 },
      invitationRetentionDays: { type: Number, default: 30, min: 1 },
      accessEventRetentionDays: { type: Number, default: 365, min: 1 },
      doorKeyTtl: Number,
      passwordMinLength: { type: Number, default: 12 },
      maxFailedLogins: { type: Number, default: 5, min: 1 },
      accessTokenTtl: Number,
      idTokenTtl: Number,
      refreshTokenTtl: Number,
      sessionTtl: Number,
      refreshTokenReuseInterval: Number,
      mfa: { requiredForRoles: { type: [String], default: [] } },
      scimDeprovisioning: { type: String, enum: ['deactivate', 'erase'] },
    },
    signingKeyIds: { type: [String], default: undefined },
  },
  { collection: 'tenants', timestamps: true, versionKey: false },
);
TenantSchema.index({ slug: 1 }, { unique: true });

export type TenantModel = Model<TenantDoc>;

export function tenantModel(connection: Connection): TenantModel {
  return connection.model<TenantDoc>('Tenant', TenantSchema);
}
