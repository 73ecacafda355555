import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

export interface DoorDoc {
  _id: string;
  tenantId: string;
  /** The `door_id` lock back-ends see in tokens; stable across renames. */
  key: string;
  name: string;
  archivedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const DoorSchema = new Schema<DoorDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    key: { type: String, required: true, immutable: true },
    name: { type: String, required: true },
    archivedAt: Date,
  },
  { collection: 'doors', timestamps: true, versionKey: false },
);
DoorSchema.plugin(tenantScopePlugin);
DoorSchema.index({ tenantId: 1, key: 1 }, { unique: true });

export type DoorModel = Model<DoorDoc>;

export function doorModel(connection: Connection): DoorModel {
  return connection.model<DoorDoc>('Door', DoorSchema);
}
