import { newId } from '../db/ids.js';
import type { DoorModel } from './door.model.js';
import type { DoorPermissionDoc, DoorPermissionModel } from './door-permission.model.js';

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
  grantedBy: string;
}

export class DoorPermissionService {
  constructor(
    private readonly permissions: DoorPermissionModel,
    private readonly doors: DoorModel,
  ) {}

  async grant(tenantId: string, input: GrantInput): Promise<DoorPermissionDoc> {
    const [doc] = await this.permissions.insertMany([{ _id: newId('dpm'), tenantId, ...input, grantedAt: new Date() }]);
    return doc!.toObject();
  }

  /**
   * The permissions in force at `at` for a user, held directly or through one of its roles, one entry per
   * door and window. Archived doors open nothing.
   */
  async claimsFor(tenantId: string, user: { id: string; roles: string[] }, at = new Date()): Promise<DoorPermissionClaim[]> {
    const holders: Record<string, unknown>[] = [{ holderType: 'user', holderId: user.id }];
    if (user.roles.length) holders.push({ holderType: 'role', holderId: { $in: user.roles } });
    const grants: DoorPermissionDoc[] = await this.permissions.find({ tenantId, revokedAt: null, $or: holders }).lean();
    const inForce = grants.filter((g) => (!g.validFrom || g.validFrom <= at) && (!g.validUntil || g.validUntil > at));
    if (!inForce.length) return [];
    const doors = await this.doors.find({ tenantId, _id: { $in: [...new Set(inForce.map((g) => g.doorId))] }, archivedAt: null }).lean();
    const byId = new Map(doors.map((d) => [d._id, d]));
    const seen = new Set<string>();
    const claims: DoorPermissionClaim[] = [];
    for (const g of inForce) {
      const door = byId.get(g.doorId);
      if (!door) continue;
      const claim = {
        door_id: door.key,
        door_name: door.name,
        valid_from: g.validFrom?.toISOString() ?? null,
        valid_until: g.validUntil?.toISOString() ?? null,
      };
      const key = JSON.stringify(claim);
      if (!seen.has(key)) claims.push(claim), seen.add(key);
    }
    return claims.sort((a, b) => a.door_id.localeCompare(b.door_id));
  }
}
