import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * Where a tenant's chain starts after retention removed its oldest entries: the `seq` and `hash` of the last
 * removed entry. Without it the first surviving entry would point at a hash nobody can check, and a prefix
 * deleted by retention would look the same as one deleted by an intruder.
 */
export interface ChangeLogAnchorDoc {
  /** The tenant id: one anchor per tenant. */
  _id: string;
  tenantId: string;
  seq: number;
  hash: string;
  prunedAt: Date;
}

const ChangeLogAnchorSchema = new Schema<ChangeLogAnchorDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
    prunedAt: { type: Date, required: true },
  },
  { collection: 'change_log_anchors', versionKey: false },
);
ChangeLogAnchorSchema.plugin(tenantScopePlugin);

export type ChangeLogAnchorModel = Model<ChangeLogAnchorDoc>;

export function changeLogAnchorModel(connection: Connection): ChangeLogAnchorModel {
  return connection.model<ChangeLogAnchorDoc>('ChangeLogAnchor', ChangeLogAnchorSchema);
}
