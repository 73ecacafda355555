import type { DeletedSubjectDoc, TombstoneReason } from './deleted-subject.model.js';
import { anonymizedDocument } from './anonymized-user.js';
import { SUBJECT_DATA, type ModelName, type SubjectDataPlace } from './subject-data.registry.js';

export type Tombstones = ReadonlyMap<string, Pick<DeletedSubjectDoc, 'deletedAt' | 'reason'>>;

/** Who a restore names as having ended a grant that the backup still held open. */
export const RESTORE_ACTOR = 'system:restore';

/**
 * The form in which one document of a backup may return to the database, or null when it must not: a
 * document about an erased subject that erasure deletes never touches the database again; an anonymized
 * subject's record returns anonymized; grants of either return ended and access events without the subject,
 * as erasure left them. Everything else
 * returns as it was. Pure, so a restore can apply it to each document as it streams past.
 */
export function restoredForm(model: ModelName, doc: Record<string, unknown>, tombstones: Tombstones): Record<string, unknown> | null {
  const place: SubjectDataPlace | undefined = (SUBJECT_DATA as Partial<Record<ModelName, SubjectDataPlace>>)[model];
  const subject = place?.subjectOf(doc);
  const tombstone = subject === undefined ? undefined : tombstones.get(subject);
  if (!place || !tombstone) return doc;
  const reason: TombstoneReason = tombstone.reason ?? 'erased';
  switch (place.erasure) {
    case 'delete':
      return model === 'users' && reason === 'anonymized' ? anonymizedDocument(doc) : null;
    case 'unlink':
      return { ...doc, ...place.unlink };
    case 'end':
      return doc.revokedAt ? doc : { ...doc, revokedAt: tombstone.deletedAt, revokedBy: RESTORE_ACTOR };
    case 'retain':
    case 'tombstone':
      return doc;
  }
}
