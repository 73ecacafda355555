import type { Db } from 'mongodb';

/**
 * Users as the release before lock origins wrote a lock: `status: 'locked'` and no `lockedBy`. Sealed fields
 * are left out; the migration that reads these must not need them.
 */
export async function insertOldLockedUsers(db: Db, tenantId: string, count: number): Promise<string[]> {
  const now = new Date();
  const docs = Array.from({ length: count }, (_, i) => ({
    _id: `usr_old${String(i).padStart(5, '0')}`,
    tenantId,
    emailVerified: true,
    roles: [],
    status: 'locked',
    createdAt: now,
    updatedAt: now,
  }));
  await db.collection('users').insertMany(docs as never[]);
  return docs.map((d) => d._id);
}

/** Change-log entries of one action per subject: what shows a change made once, or twice. */
export async function entriesPerSubject(db: Db, tenantId: string, action: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const e of await db.collection('change_log').find({ tenantId, action }).toArray()) {
    counts.set(String(e.subjectId), (counts.get(String(e.subjectId)) ?? 0) + 1);
  }
  return counts;
}
