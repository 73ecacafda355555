import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';
import { changeLogAnchorModel } from './change-log-anchor.model.js';
import { changeLogPendingModel } from './change-log-pending.model.js';
import type { ActorType } from './request-context.js';

/**
 * One change to personal data: who (one individual actor), what (action and subject), which fields. Field
 * NAMES only — a log of values would be a second, unencrypted copy of the data it protects.
 *
 * Entries of a tenant form a hash chain ordered by `seq`; see change-log-chain.ts.
 */
export interface ChangeLogDoc {
  _id: string;
  tenantId: string;
  /** 1, 2, 3… per tenant; the unique index on it is what keeps concurrent appenders on one linear chain. */
  seq: number;
  at: Date;
  /** The formatted actor (`user:usr_abc@acme`), see formatActor. */
  actor: string;
  actorType: ActorType;
  action: string;
  subjectType: string;
  subjectId: string;
  fields: string[];
  /** Numbers of records under field names, on entries about many at once (copies of a tenant's data). */
  counts?: Record<string, number>;
  requestId?: string;
  /** The caller's address as a keyed hash (changeLogIpHash): which entries came from one place, not where. */
  ipHash?: string;
  /** Only on entries written before addresses were hashed: kept, as the chain covers them, until retention prunes them. */
  ip?: string;
  /** On a `.failed` or `.unconfirmed` entry: the id of the entry whose change it reports on. */
  refersTo?: string;
  prevHash: string;
  hash: string;
}

/** The keys a stored entry may have; anything else in a document was not written by us. */
export const CHANGE_LOG_KEYS = [
  '_id', 'tenantId', 'seq', 'at', 'actor', 'actorType', 'action', 'subjectType', 'subjectId', 'fields', 'counts',
  'requestId', 'ipHash', 'ip', 'refersTo', 'prevHash', 'hash',
] as const;

const ChangeLogSchema = new Schema<ChangeLogDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    seq: { type: Number, required: true, immutable: true },
    at: { type: Date, required: true, immutable: true },
    actor: { type: String, required: true, immutable: true },
    actorType: { type: String, enum: ['user', 'service', 'job', 'system'], required: true, immutable: true },
    action: { type: String, required: true, immutable: true },
    subjectType: { type: String, required: true, immutable: true },
    subjectId: { type: String, required: true, immutable: true },
    fields: { type: [String], required: true, immutable: true },
    counts: { type: Schema.Types.Mixed, immutable: true },
    requestId: { type: String, immutable: true },
    ipHash: { type: String, immutable: true },
    ip: { type: String, immutable: true },
    refersTo: { type: String, immutable: true },
    prevHash: { type: String, required: true, immutable: true },
    hash: { type: String, required: true, immutable: true },
  },
  // 'throw' rather than silently dropping an unknown key: the hash covers exactly what we meant to store.
  { collection: 'change_log', versionKey: false, strict: 'throw' },
);
ChangeLogSchema.plugin(tenantScopePlugin);
ChangeLogSchema.index({ tenantId: 1, seq: 1 }, { unique: true });
ChangeLogSchema.index({ tenantId: 1, at: 1 });
ChangeLogSchema.index({ tenantId: 1, subjectId: 1, seq: 1 });
ChangeLogSchema.index({ tenantId: 1, actor: 1, seq: 1 });
ChangeLogSchema.index({ tenantId: 1, refersTo: 1 });

export type ChangeLogModel = Model<ChangeLogDoc>;

export function changeLogModel(connection: Connection): ChangeLogModel {
  return connection.model<ChangeLogDoc>('ChangeLog', ChangeLogSchema);
}

/** The collections of the change log, registered together so the chain, its anchor and its pending changes always coexist. */
export function changeLogModels(connection: Connection) {
  return { changeLog: changeLogModel(connection), changeLogAnchors: changeLogAnchorModel(connection), changeLogPending: changeLogPendingModel(connection) };
}

export type ChangeLogModels = ReturnType<typeof changeLogModels>;
