import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * Tombstones of erased users: only the subject id and when. A restore from a backup taken before an erasure
 * consults this list and skips every document of these subjects, so an erased person never returns.
 */
export interface DeletedSubjectDoc {
  tenantId: string;
  subjectId: string;
  deletedAt: Date;
}

const DeletedSubjectSchema = new Schema<DeletedSubjectDoc>(
  {
    tenantId: { type: String, required: true },
    subjectId: { type: String, required: true },
    deletedAt: { type: Date, required: true },
  },
  { collection: 'deleted_subjects', versionKey: false },
);
DeletedSubjectSchema.plugin(tenantScopePlugin);
DeletedSubjectSchema.index({ tenantId: 1, subjectId: 1 }, { unique: true });

export type DeletedSubjectModel = Model<DeletedSubjectDoc>;

export function deletedSubjectModel(connection: Connection): DeletedSubjectModel {
  return connection.model<DeletedSubjectDoc>('DeletedSubject', DeletedSubjectSchema);
}
