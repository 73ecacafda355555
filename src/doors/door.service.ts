import { BoundedCache } from '../db/bounded-cache.js';
import { newId } from '../db/ids.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/http-errors.js';
import type { DoorDoc, DoorModel } from './door.model.js';
import { isDuplicateKey } from '../db/duplicate-key.js';

/** A door's key is the `door_id` lock back-ends match on: it never changes, so it must be right when created. */
export const DOOR_KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface DoorListQuery {
  includeArchived?: boolean;
  cursor?: string;
  limit: number;
}

/**
 * A tenant's doors. The doors named in tokens' `door_permissions` claims are kept (`kept`, TENANT_REFRESH_MS):
 * doors are the tenant's configuration, not personal data, and change rarely. A rename or an archive here
 * shows in claims at once in this process, and within the bound in every other one. Grants are kept only until
 * they change (DoorPermissionHistory), and access decisions read the door itself, so an archived door opens
 * nothing from the moment it is archived.
 */
export class DoorService {
  constructor(
    private readonly doors: DoorModel,
    /** Without one (0 ms), every claim reads its doors. */
    private readonly kept: BoundedCache<DoorDoc> = new BoundedCache({ ttlMs: 0, max: 1 }),
  ) {}

  async create(tenantId: string, input: { key: string; name: string }): Promise<DoorDoc> {
    if (!DOOR_KEY.test(input.key)) throw new ValidationError([{ field: 'key', message: 'lower-case letters, digits and dashes' }]);
    if (await this.doors.exists({ tenantId, key: input.key })) throw new ConflictError(`Door ${input.key} already exists`);
    try {
      const [door] = await this.doors.insertMany([{ _id: newId('dor'), tenantId, key: input.key, name: input.name }]);
      this.forget(tenantId, door!._id);
      return door!.toObject();
    } catch (err) {
      // Two creations of one key at once: the unique index decides, the loser hears what the check would have said.
      if (isDuplicateKey(err)) throw new ConflictError(`Door ${input.key} already exists`);
      throw err;
    }
  }

  /** Ordered by key: keys never change, so a page boundary never moves when doors are added or renamed. */
  async list(tenantId: string, query: DoorListQuery): Promise<{ items: DoorDoc[]; nextCursor: string | null }> {
    const filter: Record<string, unknown> = { tenantId };
    if (!query.includeArchived) filter.archivedAt = null;
    if (query.cursor) filter.key = { $gt: Buffer.from(query.cursor, 'base64url').toString('utf8') };
    const docs = await this.doors.find(filter).sort({ key: 1 }).limit(query.limit + 1).lean();
    const items = docs.slice(0, query.limit);
    const more = docs.length > query.limit;
    return { items, nextCursor: more ? Buffer.from(items[items.length - 1]!.key).toString('base64url') : null };
  }

  async getByKey(tenantId: string, key: string): Promise<DoorDoc> {
    const door = await this.doors.findOne({ tenantId, key }).lean();
    if (!door) throw new NotFoundError('Door');
    return door;
  }

  async rename(tenantId: string, key: string, name: string): Promise<DoorDoc> {
    const door = await this.doors.findOneAndUpdate({ tenantId, key }, { $set: { name } }, { returnDocument: 'after' }).lean();
    if (!door) throw new NotFoundError('Door');
    this.forget(tenantId, door._id);
    return door;
  }

  /**
   * An archived door opens nothing from now on and takes no new grants; its grants stay, so the history of
   * who could open it before stays answerable. There is no way back: the archive time bounds that history.
   */
  async archive(tenantId: string, key: string): Promise<DoorDoc> {
    const door = await this.doors.findOneAndUpdate({ tenantId, key, archivedAt: null }, { $set: { archivedAt: new Date() } }, { returnDocument: 'after' }).lean();
    if (door) {
      this.forget(tenantId, door._id);
      return door;
    }
    await this.getByKey(tenantId, key);
    throw new ConflictError(`Door ${key} is already archived`);
  }

  /** Doors by id, as kept for tokens' claims (see the class): never for a decision to open one. */
  async keptByIds(tenantId: string, ids: string[]): Promise<Map<string, DoorDoc>> {
    const kept = await this.kept.getMany(ids.map((id) => keptKey(tenantId, id)), async (missing) => {
      const found: DoorDoc[] = await this.doors.find({ tenantId, _id: { $in: missing.map((k) => k.slice(tenantId.length + 1)) } }).lean();
      return new Map(found.map((d) => [keptKey(tenantId, d._id), d]));
    });
    return new Map([...kept.values()].map((d) => [d._id, d]));
  }

  private forget(tenantId: string, id: string): void {
    this.kept.forget(keptKey(tenantId, id));
  }
}

function keptKey(tenantId: string, doorId: string): string {
  return `${tenantId}\u0000${doorId}`;
}
