import type { LRUCache } from 'lru-cache';
import { expiringLru } from '../db/expiring-lru.js';
import { ScopedCollection } from '../db/scoped-collection.js';
import type { RoleMembershipHistory } from '../roles/role-membership-history.js';
import type { DoorDoc, DoorModel } from './door.model.js';
import type { DoorPermissionDoc, DoorPermissionModel } from './door-permission.model.js';
import { inForce } from './door-permission.window.js';

/** A grant with the key of its door, which is how the door is named outside. */
export type DoorPermission = DoorPermissionDoc & { doorKey: string };

/** A grant with the door it opens. */
export type GrantWithDoor = DoorPermission & { door: DoorDoc };

/** What a decision about one door needs of a grant: its holder and the dates `inForce` reads. */
export type DoorGrant = Pick<DoorPermissionDoc, '_id' | 'holderType' | 'holderId' | 'validFrom' | 'validUntil' | 'grantedAt' | 'revokedAt'>;
const DOOR_GRANT_FIELDS = { _id: 1, holderType: 1, holderId: 1, validFrom: 1, validUntil: 1, grantedAt: 1, revokedAt: 1 };

/** Who could open a door at a date: its grants in force then, and who held each granted role then. */
export interface DoorOpeners {
  grants: DoorPermission[];
  /** For each role with a grant among `grants`: the ids of the users who held the role at that date. */
  roleHolders: Map<string, string[]>;
}

export interface HeldAtOptions {
  /**
   * `user.roles` were read at `at` itself (a token issued now, from the user read for that request): they are
   * the roles held then, which the membership history would only repeat at the cost of two reads.
   */
  rolesReadAt?: boolean;
  /** Where the doors are read from for a token's claims (DoorService.keptByIds); else from the database. */
  keptDoors?: KeptDoors;
  /**
   * The user's `doorGrantsStamp`, read along with `user.roles` (with `rolesReadAt`): the grants read for these
   * roles under this stamp are kept, and used again while a later read of the user finds both unchanged.
   */
  doorGrantsStamp?: string;
}

/**
 * How much is kept, across tenants: users, and grants in all (a role's grants are kept once for each holder, and a
 * role may open hundreds of doors). The least recently used go first. A grant kept takes about 0.6 KB of heap
 * (100,000 of them measured at 61 MB), so the grants' bound is about 30 MB.
 */
export interface KeptGrantsBounds {
  users: number;
  grants: number;
}
const KEPT_GRANTS_BOUNDS: KeptGrantsBounds = { users: 10_000, grants: 50_000 };
/**
 * How long kept grants are used at most, however the stamp reads. Every change of grants changes the stamps of
 * the users it concerns right after, so this only bounds what a change whose stamp was never written leaves
 * behind: a process that stopped between the two writes, or one of an older version during an upgrade.
 */
const KEPT_GRANTS_MAX_AGE_MS = 5 * 60_000;

interface KeptGrants {
  doorGrantsStamp: string;
  /** The roles they were read for, sorted, as JSON. */
  roles: string;
  grants: DoorPermissionDoc[];
}

/** Doors by id, as DoorService keeps them for claims. */
export type KeptDoors = (tenantId: string, ids: string[]) => Promise<Map<string, DoorDoc>>;

/**
 * The answers grants give about the past: which doors a user could open on a date, and who could open a door
 * on a date. Grants are never rewritten and role membership is recorded as it changes, so both hold for any
 * date, before or after a revocation or a change of someone's roles.
 */
export class DoorPermissionHistory {
  /** For `grantsOf`, read for every token with door claims: the driver alone, as the entries are read. */
  private readonly permissionDocs: ScopedCollection<DoorPermissionDoc>;
  /** A user's grants as read for a token's claims, by tenant and user (see HeldAtOptions.doorGrantsStamp). */
  private readonly kept: LRUCache<string, KeptGrants>;

  constructor(
    private readonly permissions: DoorPermissionModel,
    private readonly doors: DoorModel,
    private readonly memberships: RoleMembershipHistory,
    bounds: KeptGrantsBounds = KEPT_GRANTS_BOUNDS,
  ) {
    this.permissionDocs = new ScopedCollection(permissions, {});
    // A user with more grants than the whole bound is not kept: lru-cache refuses an entry larger than maxSize.
    this.kept = expiringLru({ max: bounds.users, maxSize: bounds.grants, sizeCalculation: (e) => e.grants.length + 1, ttl: KEPT_GRANTS_MAX_AGE_MS });
  }

  /**
   * Every grant a user could have held at `at`, in force or not: their own, and those of the roles they held at
   * `at` (not the roles they hold now), with those roles and each grant's door. `inForce` says which count.
   */
  async grantsOf(tenantId: string, user: { id: string; roles: string[]; createdAt?: Date }, at: Date, options: HeldAtOptions = {}): Promise<{ roles: string[]; grants: GrantWithDoor[] }> {
    const roles = options.rolesReadAt ? [...user.roles].sort() : await this.memberships.rolesAt(tenantId, user, at);
    const stamp = options.rolesReadAt ? options.doorGrantsStamp : undefined;
    const found = stamp ? await this.keptGrants(tenantId, user.id, roles, stamp) : await this.readGrants(tenantId, user.id, roles);
    const doors = options.keptDoors && found.length ? await options.keptDoors(tenantId, [...new Set(found.map((g) => g.doorId))]) : await doorsOf(this.doors, tenantId, found);
    // Doors are archived, never deleted, so every grant finds its door.
    const grants = found.flatMap((g) => {
      const door = doors.get(g.doorId);
      return door ? [{ ...g, doorKey: door.key, door }] : [];
    });
    return { roles, grants };
  }

  /**
   * The grants held by a user or by their roles, as `readGrants`, kept under the user's stamp: used again while
   * the stamp and the roles are those they were read for. A read begun under an older stamp may still keep what
   * it found; the next request, reading the newer stamp, does not use it.
   */
  private async keptGrants(tenantId: string, userId: string, roles: string[], doorGrantsStamp: string): Promise<DoorPermissionDoc[]> {
    const key = `${tenantId}:${userId}`;
    const joined = JSON.stringify(roles);
    const kept = this.kept.get(key);
    if (kept && kept.doorGrantsStamp === doorGrantsStamp && kept.roles === joined) return kept.grants;
    const grants = await this.readGrants(tenantId, userId, roles);
    this.kept.set(key, { doorGrantsStamp, roles: joined, grants });
    return grants;
  }

  /** Every grant, in force or not, held by the user or by one of `roles`, in id order. */
  private async readGrants(tenantId: string, userId: string, roles: string[]): Promise<DoorPermissionDoc[]> {
    const holders: Record<string, unknown>[] = [{ holderType: 'user', holderId: userId }];
    if (roles.length) holders.push({ holderType: 'role', holderId: { $in: roles } });
    // Ordered here, not by the query: a person holds a handful of grants, and a sort option costs the driver and
    // the local database more than sorting them in memory (ids are ASCII, so the order is MongoDB's).
    return (await this.permissionDocs.find({ tenantId, $or: holders })).sort(byId);
  }

  /**
   * The grants on one door a user could have held at `at`, in force or not (as `grantsOf`, for that door only),
   * for a decision about it: one read of the door's grants to the user and to any role, and the user's
   * memberships only of the roles with a grant there, only when there is one. `present`: the caller has just
   * read the user as active (RoleMembershipHistory.rolesAt).
   */
  async grantsOn(tenantId: string, user: { id: string; roles: string[]; createdAt?: Date }, doorId: string, at: Date, options: { present?: boolean } = {}): Promise<DoorGrant[]> {
    const holders: Record<string, unknown>[] = [{ holderType: 'user', holderId: user.id }, { holderType: 'role' }];
    const found: DoorGrant[] = await this.permissions.find({ tenantId, doorId, $or: holders }, DOOR_GRANT_FIELDS).sort({ _id: 1 }).lean();
    const granted = [...new Set(found.filter((g) => g.holderType === 'role').map((g) => g.holderId))];
    const roles = granted.length ? await this.memberships.rolesAt(tenantId, user, at, { present: options.present, among: granted }) : [];
    return found.filter((g) => g.holderType === 'user' || roles.includes(g.holderId));
  }

  /** The grants a user held at `at` (see `grantsOf`), by the one rule of `inForce`. */
  async heldAt(tenantId: string, user: { id: string; roles: string[]; createdAt?: Date }, at: Date, options: HeldAtOptions = {}): Promise<{ roles: string[]; grants: GrantWithDoor[] }> {
    const { roles, grants } = await this.grantsOf(tenantId, user, at, options);
    return { roles, grants: grants.filter((g) => inForce(g, g.door, at)) };
  }

  /** The grants that opened `door` at `at`, and the holders of its granted roles then; none once it was archived. */
  async openersAt(tenantId: string, door: DoorDoc, at: Date): Promise<DoorOpeners> {
    const all: DoorPermissionDoc[] = await this.permissions.find({ tenantId, doorId: door._id }).sort({ _id: 1 }).lean();
    const found = all.filter((g) => inForce(g, door, at));
    const roles = [...new Set(found.filter((g) => g.holderType === 'role').map((g) => g.holderId))];
    return { grants: found.map((g) => ({ ...g, doorKey: door.key })), roleHolders: await this.memberships.holdersAt(tenantId, roles, at) };
  }
}

function byId(a: { _id: string }, b: { _id: string }): number {
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
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
