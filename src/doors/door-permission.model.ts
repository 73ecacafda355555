import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * A grant of one door to a user or a role, optionally inside a window. Grants are never overwritten: a
 * revocation sets `revokedAt`, so the history answers "who could open door Y on date D".
 */
export interface DoorPermissionDoc {
  _id: string;
  tenantId: string;
  doorId: string;
  holderType: 'user' | 'role';
  /** A user's subject id, or a role name. */
  holderId: string;
  validFrom?: Date;
  validUntil?: Date;
  grantedBy: string;
  grantedAt: Date;
  revokedBy?: string;
  revokedAt?: Date;
}

const DoorPermissionSchema = new Schema<DoorPermissionDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    doorId: { type: String, required: true, immutable: true },
    holderType: { type: String, enum: ['user', 'role'], required: true, immutable: true },
    holderId: { type: String, required: true, immutable: true },
    validFrom: Date,
    validUntil: Date,
    grantedBy: { type: String, required: true },
    grantedAt: { type: Date, required: true },
    revokedBy: String,
    revokedAt: Date,
  },
  { collection: 'door_permissions', versionKey: false },
);
DoorPermissionSchema.plugin(tenantScopePlugin, { listedById: true });
DoorPermissionSchema.index({ tenantId: 1, holderType: 1, holderId: 1 });
DoorPermissionSchema.index({ tenantId: 1, doorId: 1 });

export type DoorPermissionModel = Model<DoorPermissionDoc>;

export function doorPermissionModel(connection: Connection): DoorPermissionModel {
  return connection.model<DoorPermissionDoc>('DoorPermission', DoorPermissionSchema);
}
