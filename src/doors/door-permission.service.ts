import type { ChangeLogService } from '../audit/change-log.service.js';
import { provenanceFromContext } from '../audit/change-log-input.js';
import { newId } from '../db/ids.js';
import { ConflictError, NotFoundError, ProcessingRestrictedError } from '../errors/http-errors.js';
import type { RoleMembershipHistory } from '../roles/role-membership-history.js';
import type { RoleModel } from '../roles/role.model.js';
import type { UserModel } from '../users/user.model.js';
import type { DoorModel } from './door.model.js';
import type { DoorPermissionDoc, DoorPermissionModel } from './door-permission.model.js';
import { DoorPermissionHistory, withDoorKeys, type DoorPermission, type KeptDoors } from './door-permission-history.js';
import { checkWindow } from './door-permission.window.js';

export type { DoorPermission };

/** The `door_permissions` claim entry a lock back-end reads. */
export interface DoorPermissionClaim {
  door_id: string;
  door_name: string;
  valid_from: string | null;
  valid_until: string | null;
}

export interface GrantInput {
  doorId: string;
  holderType: 'user' | 'role';
  holderId: string;
  validFrom?: Date;
  validUntil?: Date;
}

export interface PermissionListQuery {
  doorId?: string;
  holderType?: 'user' | 'role';
  holderId?: string;
  includeRevoked?: boolean;
  cursor?: string;
  limit: number;
}

/** Holders of a role whose stamps one command changes (stampHolders): under a second on the local database. */
const HOLDERS_PER_STAMP = 1000;

/** A user's door grants are personal data: each grant and revocation is one change-log entry about the user. */
const USER_CHANGE = { subjectType: 'user', fields: ['door_permissions'] };

/**
 * Door grants to users and roles. A grant is never edited or removed: revoking stamps it, so the history
 * (`history`) can answer for any date. Who granted or revoked is the acting identity.
 */
export class DoorPermissionService {
  /** Who held which door when. */
  readonly history: DoorPermissionHistory;
  /** Told of grants to a role and their revocations, which have no change-log entry (src/webhooks). */
  onRoleGrantChanged: ((tenantId: string, change: { action: 'granted' | 'revoked'; permissionId: string; role: string; doorKey: string }) => Promise<unknown>) | undefined;

  constructor(
    private readonly permissions: DoorPermissionModel,
    private readonly doors: DoorModel,
    private readonly users: UserModel,
    private readonly roles: RoleModel,
    private readonly changeLog: ChangeLogService,
    memberships: RoleMembershipHistory,
    /** The doors named in claims, kept for a bounded time (DoorService.keptByIds); grants only until they change. */
    private readonly keptDoors?: KeptDoors,
  ) {
    this.history = new DoorPermissionHistory(permissions, doors, memberships);
  }

  async grant(tenantId: string, input: GrantInput): Promise<DoorPermission> {
    checkWindow({ validFrom: input.validFrom, validUntil: input.validUntil });
    const door = await this.doors.findOne({ tenantId, _id: input.doorId }).lean();
    if (!door) throw new NotFoundError('Door');
    if (door.archivedAt) throw new ConflictError(`Door ${door.key} is archived and takes no new grants`);
    const holder =
      input.holderType === 'user'
        ? await this.users.findOne({ tenantId, _id: input.holderId }, { status: 1 }).lean()
        : await this.roles.exists({ tenantId, name: input.holderId });
    if (!holder) throw new NotFoundError(input.holderType === 'user' ? 'User' : 'Role');
    // A restricted person's data is kept, not put to a new use; revoking what they hold stays possible.
    if ('status' in holder && holder.status === 'restricted') throw new ProcessingRestrictedError('Processing of this user is restricted: no door is granted to them until it is lifted');
    const { doorId, holderType, holderId, validFrom, validUntil } = input;
    const doc = { _id: newId('dpm'), tenantId, doorId, holderType, holderId, validFrom, validUntil, grantedBy: provenanceFromContext().actor, grantedAt: new Date() };
    const insert = async () => (await this.permissions.insertMany([doc]))[0]!.toObject();
    const granted = holderType === 'user'
      ? await this.changeLog.record(tenantId, { ...USER_CHANGE, action: 'door_permission.granted', subjectId: holderId }, insert)
      : await insert();
    await this.stampHolders(tenantId, holderType, holderId);
    if (holderType === 'role') await this.onRoleGrantChanged?.(tenantId, { action: 'granted', permissionId: granted._id, role: holderId, doorKey: door.key });
    return { ...granted, doorKey: door.key };
  }

  /**
   * Stamps the grant revoked now; a second revocation is refused, the first one's stamp stays. The refusal still
   * changes the holders' stamps: a revocation that failed before them is completed by trying it again.
   */
  async revoke(tenantId: string, id: string): Promise<DoorPermission> {
    const grant = await this.permissions.findOne({ tenantId, _id: id }).lean();
    if (!grant) throw new NotFoundError('Door permission');
    if (grant.revokedAt) {
      await this.stampHolders(tenantId, grant.holderType, grant.holderId);
      throw new ConflictError('The door permission is already revoked');
    }
    const stamp = { revokedAt: new Date(), revokedBy: provenanceFromContext().actor };
    const update = async () => {
      const { matchedCount } = await this.permissions.updateOne({ tenantId, _id: id, revokedAt: null }, { $set: stamp });
      if (!matchedCount) throw new ConflictError('The door permission is already revoked');
    };
    if (grant.holderType === 'user') {
      await this.changeLog.record(tenantId, { ...USER_CHANGE, action: 'door_permission.revoked', subjectId: grant.holderId }, update);
    } else {
      await update();
    }
    await this.stampHolders(tenantId, grant.holderType, grant.holderId);
    const [revoked] = await withDoorKeys(this.doors, tenantId, [{ ...grant, ...stamp }]);
    if (grant.holderType === 'role') await this.onRoleGrantChanged?.(tenantId, { action: 'revoked', permissionId: id, role: grant.holderId, doorKey: revoked!.doorKey });
    return revoked!;
  }

  /** Ends every open grant of a role (the role is going away); roles are not people, so nothing is logged. */
  async revokeAllHeldByRole(tenantId: string, role: string): Promise<void> {
    const stamp = { revokedAt: new Date(), revokedBy: provenanceFromContext().actor };
    await this.permissions.updateMany({ tenantId, holderType: 'role', holderId: role, revokedAt: null }, { $set: stamp });
    await this.stampHolders(tenantId, 'role', role);
  }

  /**
   * Tells every process that kept the grants of the users a change concerns (the user, or each user holding the
   * role) to read them again: their stamp changes, and the next token's read of the user finds it changed
   * (DoorPermissionHistory). Written after the change, so a read that finds the new stamp finds the change too.
   * Not a change of personal data, so the user's `updatedAt` stays.
   */
  private async stampHolders(tenantId: string, holderType: 'user' | 'role', holderId: string): Promise<void> {
    const stamp = { $set: { doorGrantsStamp: newId('dgs') } };
    if (holderType === 'user') {
      await this.users.updateOne({ tenantId, _id: holderId }, stamp, { timestamps: false });
      return;
    }
    // A page of holders at a time, in id order: one update of every holder of a large role could outlast
    // DB_SOCKET_TIMEOUT_MS on the local database (about 0.55 ms a holder), and be answered 503 half done.
    let after: string | undefined;
    do {
      const page = await this.users.find({ tenantId, roles: holderId, ...(after ? { _id: { $gt: after } } : {}) }, { _id: 1 }).sort({ _id: 1 }).limit(HOLDERS_PER_STAMP).lean();
      if (page.length) await this.users.updateMany({ tenantId, _id: { $in: page.map((u) => u._id) } }, stamp, { timestamps: false });
      after = page.length === HOLDERS_PER_STAMP ? page[page.length - 1]!._id : undefined;
    } while (after);
  }

  /** Ordered by id, which never changes, so a page boundary never moves while grants are added. */
  async list(tenantId: string, query: PermissionListQuery): Promise<{ items: DoorPermission[]; nextCursor: string | null }> {
    const filter: Record<string, unknown> = { tenantId };
    if (query.doorId) filter.doorId = query.doorId;
    if (query.holderType) filter.holderType = query.holderType;
    if (query.holderId) filter.holderId = query.holderId;
    if (!query.includeRevoked) filter.revokedAt = null;
    if (query.cursor) filter._id = { $gt: Buffer.from(query.cursor, 'base64url').toString('utf8') };
    const docs: DoorPermissionDoc[] = await this.permissions.find(filter).sort({ _id: 1 }).limit(query.limit + 1).lean();
    const page = docs.slice(0, query.limit);
    const more = docs.length > query.limit;
    return { items: await withDoorKeys(this.doors, tenantId, page), nextCursor: more ? Buffer.from(page[page.length - 1]!._id).toString('base64url') : null };
  }

  /**
   * The permissions in force at `at` for a user, held directly or through a role they held then, one entry per
   * door and window: the history's answer (`heldAt`, one rule for claims, history and access decisions). Only
   * an active user holds any: a restricted user's grants are kept but not used (nor are a locked or anonymized
   * user's), whoever asks for the claims. `known`: the caller read this user as active for this very request
   * (src/oidc/account.ts), so status and roles are not read again; a user object held any longer is read anew.
   */
  async claimsFor(tenantId: string, user: { id: string }, at = new Date(), known?: { roles: string[]; createdAt: Date; doorGrantsStamp?: string }): Promise<DoorPermissionClaim[]> {
    const current = known ?? (await this.users.findOne({ tenantId, _id: user.id, status: 'active' }, { roles: 1, createdAt: 1 }).lean());
    if (!current) return [];
    const options = { rolesReadAt: known !== undefined, keptDoors: this.keptDoors, doorGrantsStamp: known?.doorGrantsStamp };
    const { grants } = await this.history.heldAt(tenantId, { id: user.id, roles: current.roles ?? [], createdAt: current.createdAt }, at, options);
    const seen = new Set<string>();
    const claims: DoorPermissionClaim[] = [];
    for (const g of grants) {
      const claim = {
        door_id: g.door.key,
        door_name: g.door.name,
        valid_from: g.validFrom?.toISOString() ?? null,
        valid_until: g.validUntil?.toISOString() ?? null,
      };
      const key = JSON.stringify(claim);
      if (!seen.has(key)) claims.push(claim), seen.add(key);
    }
    return claims.sort((a, b) => a.door_id.localeCompare(b.door_id));
  }
}
