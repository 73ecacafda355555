import { provenanceFromContext } from '../audit/change-log-input.js';
import { newId } from '../db/ids.js';
import type { DeletedSubjectModel } from '../privacy/deleted-subject.model.js';
import type { UserModel } from '../users/user.model.js';
import type { RoleMembershipChangeDoc, RoleMembershipChangeModel } from './role-membership.model.js';

type Change = Pick<RoleMembershipChangeDoc, 'change' | 'at'>;

/**
 * Whether one user held one role at `at`, from that pair's changes in time order. Users from before this
 * record began have no change for the roles they held then: such a role counts from the user's creation on
 * while they still hold it (`now`), and a role whose first recorded change is its removal was held until then.
 */
export function heldAt(changes: readonly Change[], at: Date, member: { now: boolean; since?: Date }): boolean {
  const started = !member.since || member.since <= at;
  let last: Change | undefined;
  for (const c of changes) if (c.at <= at) last = c;
  if (last) return last.change === 'added';
  return (changes.length ? changes[0]!.change === 'removed' : member.now) && started;
}

/** Who held which role when: an append-only record written in the same code path as the user's change. */
export class RoleMembershipHistory {
  constructor(
    private readonly changes: RoleMembershipChangeModel,
    private readonly users: UserModel,
    private readonly tombstones: DeletedSubjectModel,
  ) {}

  /**
   * Runs `apply` (the write of the user's record) after appending the membership changes from `before` to
   * `after`. First, like the change-log entry: a history missing a membership would understate who could
   * open a door. If `apply` fails, those changes never happened and are removed; nothing else ever is.
   */
  async alongside<T>(tenantId: string, userId: string, before: readonly string[], after: readonly string[], apply: () => Promise<T>): Promise<T> {
    const [was, is] = [new Set(before), new Set(after)];
    const base = { tenantId, userId, at: new Date(), by: provenanceFromContext().actor };
    const docs: RoleMembershipChangeDoc[] = [
      ...[...is].filter((role) => !was.has(role)).map((role) => ({ ...base, _id: newId('rmc'), role, change: 'added' as const })),
      ...[...was].filter((role) => !is.has(role)).map((role) => ({ ...base, _id: newId('rmc'), role, change: 'removed' as const })),
    ];
    if (docs.length) await this.changes.insertMany(docs);
    try {
      return await apply();
    } catch (err) {
      if (docs.length) await this.changes.deleteMany({ tenantId, _id: { $in: docs.map((d) => d._id) } });
      throw err;
    }
  }

  /**
   * The roles `user` held at `at`, sorted. `present`: the caller has just read the user as active, so no
   * erasure can lie before `at` (erasure is final) and no tombstone is looked for. `among`: only these roles
   * are asked about, and only their changes are read.
   */
  async rolesAt(tenantId: string, user: { id: string; roles: string[]; createdAt?: Date }, at: Date, options: { present?: boolean; among?: readonly string[] } = {}): Promise<string[]> {
    if (!options.present && (await this.goneBy(tenantId, [user.id], at)).size) return [];
    const filter: Record<string, unknown> = { tenantId, userId: user.id };
    if (options.among) filter.role = { $in: [...options.among] };
    const changes: Pick<RoleMembershipChangeDoc, 'role' | 'change' | 'at'>[] = await this.changes.find(filter, { role: 1, change: 1, at: 1 }).sort({ at: 1 }).lean();
    const roles = new Set([...user.roles.filter((r) => !options.among || options.among.includes(r)), ...changes.map((c) => c.role)]);
    const member = (role: string) => ({ now: user.roles.includes(role), since: user.createdAt });
    return [...roles].filter((role) => heldAt(changes.filter((c) => c.role === role), at, member(role))).sort();
  }

  /** For each of `roles`, the ids of the users who held it at `at`, erased users included until their erasure. */
  async holdersAt(tenantId: string, roles: readonly string[], at: Date): Promise<Map<string, string[]>> {
    const holders = new Map(roles.map((role) => [role, [] as string[]]));
    if (!roles.length) return holders;
    const changes: RoleMembershipChangeDoc[] = await this.changes.find({ tenantId, role: { $in: [...roles] } }).sort({ at: 1 }).lean();
    const changed = [...new Set(changes.map((c) => c.userId))];
    const members = await this.users.find({ tenantId, $or: [{ roles: { $in: [...roles] } }, { _id: { $in: changed } }] }, { _id: 1, roles: 1, createdAt: 1 }).lean();
    const byId = new Map(members.map((m) => [m._id, m]));
    const candidates = [...new Set([...changed, ...byId.keys()])].sort();
    const gone = await this.goneBy(tenantId, candidates, at);
    for (const userId of candidates) {
      if (gone.has(userId)) continue;
      const m = byId.get(userId);
      for (const role of roles) {
        const own = changes.filter((c) => c.userId === userId && c.role === role);
        if (heldAt(own, at, { now: m?.roles.includes(role) ?? false, since: m?.createdAt })) holders.get(role)!.push(userId);
      }
    }
    return holders;
  }

  /**
   * Subjects erased or anonymized by `at`: they held nothing from then on, even where a restore from an older
   * backup brought back changes without the removals their erasure appended.
   */
  private async goneBy(tenantId: string, ids: string[], at: Date): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const found = await this.tombstones.find({ tenantId, subjectId: { $in: ids }, deletedAt: { $lte: at } }, { subjectId: 1 }).lean();
    return new Set(found.map((t) => t.subjectId));
  }
}
