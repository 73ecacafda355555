import { newId } from '../db/ids.js';
import type { DoorPermissionModel } from '../doors/door-permission.model.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import type { DeletedSubjectModel } from '../privacy/deleted-subject.model.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { UserModel } from '../users/user.model.js';
import type { RevocationCounterModel, RevocationModel, RevocationType } from './revocation.model.js';
import { signForLocks } from './tenant-signer.js';

/** A revocation list lives as long as a lock may take to fetch the next one; it is only ever a delta. */
export const REVOCATION_LIST_TTL = 3600;
/** Entries in one answer; a lock further behind asks again from the version it got. */
export const REVOCATION_PAGE = 1000;
/** A version drawn this long ago whose entry was never written (its process died) no longer holds lists back. */
const PENDING_TIMEOUT_MS = 60_000;
const DRAW_ATTEMPTS = 50;

/**
 * The tenant's revocation list for locks that decide offline: devices revoked, people locked, restricted or
 * erased, door permissions revoked, each with a version drawn from one counter per tenant ($inc, atomic).
 * Devices are entered when revoked; people and permissions are found when a lock asks, from the records
 * their own services keep, so no other service has to remember the locks.
 */
export class RevocationListService {
  constructor(
    private readonly entries: RevocationModel,
    private readonly counters: RevocationCounterModel,
    private readonly users: UserModel,
    private readonly deleted: DeletedSubjectModel,
    private readonly permissions: DoorPermissionModel,
    private readonly signingKeys: SigningKeyService,
  ) {}

  /** Enters (or moves on, when revoked again) one revocation under the next version. */
  async add(tenantId: string, type: RevocationType, subjectId: string, revokedAt: Date): Promise<number> {
    const mark = await this.draw(tenantId);
    const { version } = mark;
    try {
      await this.entries.updateOne(
        { tenantId, type, subjectId },
        { $set: { version, revokedAt }, $setOnInsert: { _id: newId('rvk'), tenantId, type, subjectId } },
        { upsert: true },
      );
    } finally {
      // The whole element, not a condition on it: FerretDB v1 pulls by equality only.
      await this.counters.updateOne({ _id: tenantId }, { $pull: { pending: mark } });
    }
    return version;
  }

  /**
   * The next version, noted as pending in the same atomic update: an $inc conditioned on the version read, so
   * the pending mark names the very version drawn and no reader sees the counter move without it.
   */
  private async draw(tenantId: string): Promise<{ version: number; at: Date }> {
    for (let attempt = 0; attempt < DRAW_ATTEMPTS; attempt++) {
      const current = (await this.counters.findOne({ _id: tenantId }).lean())?.version ?? 0;
      const mark = { version: current + 1, at: new Date() };
      try {
        const drawn = await this.counters.findOneAndUpdate({ _id: tenantId, version: current }, { $inc: { version: 1 }, $push: { pending: mark } }, { upsert: current === 0, returnDocument: 'after' }).lean();
        if (drawn) return mark;
      } catch (err) {
        // Two first revocations of a tenant both upserting: one wins, the other draws again.
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    }
    throw new Error(`No revocation version drawn for tenant ${tenantId} in ${DRAW_ATTEMPTS} attempts`);
  }

  /**
   * The highest version below which every drawn version's entry is written: the counter, or just below the
   * oldest version still being written. A drawer that died mid-way holds the list back for a minute at most.
   */
  private async settledVersion(tenantId: string): Promise<number> {
    const counter = await this.counters.findOne({ _id: tenantId }).lean();
    const live = (counter?.pending ?? []).filter((p) => p.at.getTime() > Date.now() - PENDING_TIMEOUT_MS).map((p) => p.version);
    return live.length ? Math.min(...live) - 1 : (counter?.version ?? 0);
  }

  /** The signed list of entries after `since`, and the version to ask from next. */
  async listSince(tenant: TenantDoc, issuer: string, since: number): Promise<{ jwt: string; version: number; count: number }> {
    await this.catchUp(tenant._id);
    const settled = await this.settledVersion(tenant._id);
    const found = await this.entries.find({ tenantId: tenant._id, version: { $gt: since, $lte: settled } }).sort({ version: 1 }).limit(REVOCATION_PAGE).lean();
    const version = found.length === REVOCATION_PAGE ? found.at(-1)!.version : Math.max(since, settled);
    const payload = { iss: issuer, version, since, entries: found.map((e) => ({ type: e.type, id: e.subjectId, revoked_at: e.revokedAt.toISOString() })) };
    return { jwt: await signForLocks(this.signingKeys, tenant, 'revocation-list+jwt', payload, REVOCATION_LIST_TTL), version, count: found.length };
  }

  /** Enters people and permissions revoked since they were last entered. */
  private async catchUp(tenantId: string): Promise<void> {
    const known = new Map(
      (await this.entries.find({ tenantId, type: { $in: ['user', 'permission'] } }, { type: 1, subjectId: 1, revokedAt: 1 }).lean()).map((e) => [`${e.type}:${e.subjectId}`, e.revokedAt]),
    );
    const now = new Date();
    const barred = await this.users.find({ tenantId, status: { $in: ['locked', 'restricted', 'anonymized'] } }, { updatedAt: 1 }).lean();
    // A person unlocked and locked again changed after their entry: the entry moves on, so keys issued between count.
    for (const u of barred) if (!(known.get(`user:${u._id}`)! >= u.updatedAt)) await this.add(tenantId, 'user', u._id, now);
    for (const d of await this.deleted.find({ tenantId }, { subjectId: 1, deletedAt: 1 }).lean()) {
      if (!known.has(`user:${d.subjectId}`)) await this.add(tenantId, 'user', d.subjectId, d.deletedAt);
    }
    for (const p of await this.permissions.find({ tenantId, revokedAt: { $ne: null } }, { revokedAt: 1 }).lean()) {
      if (!known.has(`permission:${p._id}`)) await this.add(tenantId, 'permission', p._id, p.revokedAt!);
    }
  }
}
