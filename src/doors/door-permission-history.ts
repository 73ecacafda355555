import type { DoorDoc, DoorModel } from './door.model.js';
import type { DoorPermissionDoc, DoorPermissionModel } from './door-permission.model.js';
import { inForceAt } from './door-permission.window.js';

/** A grant with the key of its door, which is how the door is named outside. */
export type DoorPermission = DoorPermissionDoc & { doorKey: string };

/**
 * The answers grants give about the past: which doors a user could open on a date, and who could open a door
 * on a date. Grants are never rewritten, so these hold for any date, before or after a revocation.
 */
export class DoorPermissionHistory {
  constructor(
    private readonly permissions: DoorPermissionModel,
    private readonly doors: DoorModel,
  ) {}

  /**
   * The grants a user held at `at`: their own, and those of the roles they hold now (role membership has no
   * history yet). A door archived by then opens nothing.
   */
  async heldAt(tenantId: string, user: { id: string; roles: string[] }, at: Date): Promise<DoorPermission[]> {
    const holders: Record<string, unknown>[] = [{ holderType: 'user', holderId: user.id }];
    if (user.roles.length) holders.push({ holderType: 'role', holderId: { $in: user.roles } });
    const grants: DoorPermissionDoc[] = await this.permissions.find({ tenantId, $or: holders, ...inForceAt(at) }).sort({ _id: 1 }).lean();
    const doors = await doorsOf(this.doors, tenantId, grants);
    return grants.flatMap((g) => {
      const door = doors.get(g.doorId);
      return door && !archivedBy(door, at) ? [{ ...g, doorKey: door.key }] : [];
    });
  }

  /** The grants that opened `door` at `at`, to users and to roles; none once the door was archived. */
  async openersAt(tenantId: string, door: DoorDoc, at: Date): Promise<DoorPermission[]> {
    if (archivedBy(door, at)) return [];
    const grants: DoorPermissionDoc[] = await this.permissions.find({ tenantId, doorId: door._id, ...inForceAt(at) }).sort({ _id: 1 }).lean();
    return grants.map((g) => ({ ...g, doorKey: door.key }));
  }
}

function archivedBy(door: DoorDoc, at: Date): boolean {
  return Boolean(door.archivedAt && door.archivedAt <= at);
}

async function doorsOf(doors: DoorModel, tenantId: string, grants: DoorPermissionDoc[]): Promise<Map<string, DoorDoc>> {
  if (!grants.length) return new Map();
  const found: DoorDoc[] = await doors.find({ tenantId, _id: { $in: [...new Set(grants.map((g) => g.doorId))] } }).lean();
  return new Map(found.map((d) => [d._id, d]));
}

export async function withDoorKeys(doors: DoorModel, tenantId: string, grants: DoorPermissionDoc[]): Promise<DoorPermission[]> {
  const byId = await doorsOf(doors, tenantId, grants);
  // Doors are archived, never deleted, so every grant finds its door.
  return grants.map((g) => ({ ...g, doorKey: byId.get(g.doorId)?.key ?? g.doorId }));
}
