import type { Model } from 'mongoose';
import { provenanceFromContext } from '../audit/change-log-input.js';
import type { Models } from '../db/database.js';
import type { TombstoneReason } from './deleted-subject.model.js';
import { subjectDataPlaces, type SubjectDataModel } from './subject-data.registry.js';
import { ignoreDuplicateKey } from '../db/duplicate-key.js';

/** Each registered model is a tenant collection keyed as the registry says; one shape fits all of them here. */
function placeModel(models: Models, name: SubjectDataModel): Model<Record<string, unknown>> {
  return models[name] as unknown as Model<Record<string, unknown>>;
}

/** A user's id and the other ids that named them: the invitations they accepted (see `idsNameSubject`). */
export async function subjectIdsOf(models: Models, tenantId: string, userId: string): Promise<string[]> {
  const ids = [userId];
  for (const [name, place] of subjectDataPlaces()) {
    if (!place.idsNameSubject) continue;
    const docs = await placeModel(models, name).find({ tenantId, ...place.about([userId]) }, { _id: 1 }).lean();
    ids.push(...docs.map((d) => String(d._id)).filter((id) => id !== userId));
  }
  return ids;
}

/** The pseudonyms of the devices registered by any of these ids, revoked or not. */
export async function deviceIdsOf(models: Models, tenantId: string, subjectIds: readonly string[]): Promise<string[]> {
  const devices = await models.devices.find({ tenantId, userId: { $in: [...subjectIds] } }, { _id: 1 }).lean();
  return devices.map((d) => d._id);
}

/** Ends a user's sessions, grants and tokens (src/oidc/account-sessions.ts). */
export type RevokeAccount = (tenantId: string, accountId: string) => Promise<unknown>;

/**
 * Where tombstones are kept outside the database too (src/backup/registry-journal.ts), so losing it loses none.
 * All of them or none, with no partial file left when it fails.
 */
export interface TombstoneSink {
  append(tombstones: readonly { tenantId: string; subjectId: string; deletedAt: Date; reason: TombstoneReason }[]): Promise<void>;
}

/** The names the change log gets for what goes with a person beyond their record (field names, no values). */
export const ERASED_WITH_SUBJECT = ['sessions', 'door_permissions', 'mfa_factors', 'invitations', 'account_links', 'mails'] as const;

/**
 * Everything about a subject outside their user record, driven by the registry of where a subject's data
 * lives: removed where erasure deletes, ended where history is kept. The user record itself is the caller's
 * (deleted by an erasure, stripped by an anonymization), always last, so an interrupted run is finished by
 * running it again.
 */
export class SubjectErasure {
  constructor(
    private readonly models: Models,
    private readonly revokeAccount: RevokeAccount,
    /** Absent only where no backups are kept (benchmarks, specs of other things). */
    private readonly journal?: TombstoneSink,
  ) {}

  async isTombstoned(tenantId: string, subjectId: string): Promise<boolean> {
    return Boolean(await this.models.deletedSubjects.exists({ tenantId, subjectId }));
  }

  /**
   * The tombstones first: from then on a restore filters the subject out and their id is never handed out
   * again, even if the rest is interrupted, and running it again finishes. They go into the journal beside the
   * backups, which outlives a lost database, and then into the database. The journal comes first because it is
   * the write that may find no room (a full backup folder): it then takes back what it wrote and nothing at all
   * is changed (InsufficientStorageError; the caller's change-log entry gets its `.failed`). Then sessions and
   * tokens end, then every other place is cleared.
   */
  async eraseAround(tenantId: string, subjectId: string, reason: TombstoneReason): Promise<void> {
    const at = new Date();
    const subjectIds = await subjectIdsOf(this.models, tenantId, subjectId);
    await this.journal?.append(subjectIds.map((id) => ({ tenantId, subjectId: id, deletedAt: at, reason })));
    for (const id of subjectIds) await this.tombstone(tenantId, id, reason, at);
    await this.revokeAccount(tenantId, subjectId);
    const actor = provenanceFromContext().actor;
    // What names the person only through a device first: the devices that tie it to them are deleted below,
    // and a run interrupted after that could no longer find it.
    const deviceIds = await deviceIdsOf(this.models, tenantId, subjectIds);
    for (const [name, place] of subjectDataPlaces()) {
      if (place.aboutDevices && place.unlink && deviceIds.length) await placeModel(this.models, name).updateMany({ tenantId, ...place.aboutDevices(deviceIds) }, { $set: place.unlink });
    }
    for (const [name, place] of subjectDataPlaces()) {
      if (name === 'users') continue;
      const model = placeModel(this.models, name);
      const filter = { tenantId, ...place.about(subjectIds) };
      if (place.erasure === 'delete') await model.deleteMany(filter);
      if (place.erasure === 'unlink' && place.unlink) await model.updateMany(filter, { $set: place.unlink });
      if (place.erasure === 'end') await model.updateMany({ ...filter, revokedAt: null }, { $set: { revokedAt: at, revokedBy: actor } });
    }
  }

  private async tombstone(tenantId: string, subjectId: string, reason: TombstoneReason, at: Date): Promise<void> {
    // An erasure outranks an earlier anonymization of the same subject; never the other way round.
    const update = reason === 'erased' ? { $set: { reason }, $setOnInsert: { deletedAt: at } } : { $setOnInsert: { reason, deletedAt: at } };
    // Two erasures of one subject at once: the other one wrote it.
    await this.models.deletedSubjects.updateOne({ tenantId, subjectId }, update, { upsert: true }).catch(ignoreDuplicateKey);
  }
}
