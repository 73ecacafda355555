import type { UserStatus } from '../users/user.model.js';
import type { Migration, MigrationContext } from './migration.js';

export const LOCK_ORIGIN_RECORDED = 'user.lock_origin_recorded';

/** Users read per query: memory stays flat however many users a deployment has. */
const BATCH = 500;

/**
 * Users locked before the lock's origin was recorded have no `lockedBy`, and every read answered `admin` for
 * them (a password reset lifts only the lockout's lock, so an unknown lock must count as an admin's). Here
 * the answer is stored. A user's record is personal data: each change writes its change-log entry first, as
 * this migration's job actor. Only ids and tenant ids are read, nothing is decrypted.
 */
export const userLockOrigin: Migration = {
  id: 3,
  name: 'user-lock-origin',
  summary: "records 'admin' as the origin of locks made before origins were recorded",
  // The previous release reads an absent origin as 'admin': both shapes mean the same to it.
  safeWithOldProcesses: true,
  async up(ctx) {
    const users = ctx.models.users;
    const filter = { status: 'locked' as UserStatus, lockedBy: { $exists: false } };
    // The tenant-scope guard wants a tenant in every query; this one crosses tenants by design.
    const total = await users.collection.countDocuments(filter);
    let done = 0;
    let after = '';
    for (;;) {
      // Keyset pages over _id, not one open cursor: writes between pages cannot move documents under it.
      const page = await users.collection
        .find({ ...filter, _id: { $gt: after as never } }, { projection: { _id: 1, tenantId: 1 } })
        .sort({ _id: 1 })
        .limit(BATCH)
        .toArray();
      for (const doc of page) {
        await recordOrigin(ctx, String(doc.tenantId), String(doc._id));
        await ctx.progress((done += 1), total);
      }
      if (page.length < BATCH) return;
      after = String(page.at(-1)!._id);
    }
  },
  // An absent origin and 'admin' mean the same to every release; the stored value can stay.
  async down() {},
};

async function recordOrigin(ctx: MigrationContext, tenantId: string, userId: string): Promise<void> {
  const apply = () => ctx.models.users.updateOne({ tenantId, _id: userId, status: 'locked', lockedBy: { $exists: false } }, { $set: { lockedBy: 'admin' } }, { timestamps: false });
  // A run killed between an entry and its change left the entry: the rerun makes the change without a second one.
  if (ctx.resumed && (await ctx.models.changeLog.exists({ tenantId, subjectId: userId, action: LOCK_ORIGIN_RECORDED }))) {
    await apply();
    return;
  }
  await ctx.changeLog.record(tenantId, { action: LOCK_ORIGIN_RECORDED, subjectType: 'user', subjectId: userId, fields: ['lockedBy'] }, apply);
}
