import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/** `erased`: the person was deleted; `anonymized`: the record stays without personal fields (inactivity). */
export type TombstoneReason = 'erased' | 'anonymized';

/**
 * Tombstones of erased users: only the subject id and when. A restore from a backup taken before an erasure
 * consults this list and skips every document of these subjects, so an erased person never returns.
 * Anonymized subjects are listed too: a restore brings back their record only in its anonymized form.
 */
export interface DeletedSubjectDoc {
  tenantId: string;
  subjectId: string;
  deletedAt: Date;
  /** Absent on tombstones written before anonymization was recorded here: those are erasures. */
  reason?: TombstoneReason;
}

const DeletedSubjectSchema = new Schema<DeletedSubjectDoc>(
  {
    tenantId: { type: String, required: true },
    subjectId: { type: String, required: true },
    deletedAt: { type: Date, required: true },
    reason: { type: String, enum: ['erased', 'anonymized'] },
  },
  { collection: 'deleted_subjects', versionKey: false },
);
DeletedSubjectSchema.plugin(tenantScopePlugin);
DeletedSubjectSchema.index({ tenantId: 1, subjectId: 1 }, { unique: true });

export type DeletedSubjectModel = Model<DeletedSubjectDoc>;

export function deletedSubjectModel(connection: Connection): DeletedSubjectModel {
  return connection.model<DeletedSubjectDoc>('DeletedSubject', DeletedSubjectSchema);
}
