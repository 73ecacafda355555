import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

export const REVOCATION_TYPES = ['device', 'user', 'permission'] as const;
export type RevocationType = (typeof REVOCATION_TYPES)[number];

/**
 * One entry of a tenant's revocation list, as locks fetch it offline: a device, a person (their user id,
 * the `sub` of door keys) or a door permission that stopped counting at `revokedAt`. `version` orders entries:
 * a lock asks for those after the version it holds. One entry per thing; a renewed revocation moves it on.
 */
export interface RevocationDoc {
  _id: string;
  tenantId: string;
  type: RevocationType;
  subjectId: string;
  version: number;
  revokedAt: Date;
}

const RevocationSchema = new Schema<RevocationDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    type: { type: String, enum: REVOCATION_TYPES, required: true },
    subjectId: { type: String, required: true },
    version: { type: Number, required: true },
    revokedAt: { type: Date, required: true },
  },
  { collection: 'revocations', versionKey: false },
);
RevocationSchema.plugin(tenantScopePlugin);
RevocationSchema.index({ tenantId: 1, type: 1, subjectId: 1 }, { unique: true });
RevocationSchema.index({ tenantId: 1, version: 1 });

/**
 * The per-tenant counter versions are drawn from (`_id` is the tenant id), with the versions drawn whose entry
 * is not written yet (`pending`): a list never reaches past one of them, or a lock would skip it for good.
 */
export interface RevocationCounterDoc {
  _id: string;
  version: number;
  pending: { version: number; at: Date }[];
}

const CounterSchema = new Schema<RevocationCounterDoc>(
  {
    _id: { type: String, required: true },
    version: { type: Number, default: 0 },
    pending: { type: [{ _id: false, version: Number, at: Date }], default: [] },
  },
  { collection: 'revocation_counters', versionKey: false },
);

export type RevocationModel = Model<RevocationDoc>;
export type RevocationCounterModel = Model<RevocationCounterDoc>;

export function revocationModels(connection: Connection) {
  return {
    revocations: connection.model<RevocationDoc>('Revocation', RevocationSchema),
    revocationCounters: connection.model<RevocationCounterDoc>('RevocationCounter', CounterSchema),
  };
}
