import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';
import type { ChangeInput } from './change-log-input.js';
import type { ActorType } from './request-context.js';

/** Who an entry names, as it was stored: what a later `.failed` or `.unconfirmed` entry repeats. */
export interface StoredProvenance {
  actor: string;
  actorType: ActorType;
  requestId?: string;
  ipHash?: string;
}

/**
 * A change announced in the log and not yet known to be done: written before its entry, removed once the
 * change succeeded or its `.failed` entry is written. One that stays says the outcome was never learnt (the
 * database or the process died between the entry and the change), and is what ChangeLogService.settle finds.
 * Outside the chain on purpose: the chain only ever grows, and says what became of the change in a new entry.
 */
export interface ChangeLogPendingDoc {
  /** The id of the entry that announces the change. */
  _id: string;
  tenantId: string;
  since: Date;
  change: ChangeInput;
  provenance: StoredProvenance;
}

const ChangeLogPendingSchema = new Schema<ChangeLogPendingDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    since: { type: Date, required: true },
    change: { type: Schema.Types.Mixed, required: true },
    provenance: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'change_log_pending', versionKey: false },
);
ChangeLogPendingSchema.plugin(tenantScopePlugin);
ChangeLogPendingSchema.index({ since: 1 });

export type ChangeLogPendingModel = Model<ChangeLogPendingDoc>;

export function changeLogPendingModel(connection: Connection): ChangeLogPendingModel {
  return connection.model<ChangeLogPendingDoc>('ChangeLogPending', ChangeLogPendingSchema);
}
