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

export class DoorService {
  constructor(private readonly doors: DoorModel) {}

  async create(tenantId: string, input: { key: string; name: string }): Promise<DoorDoc> {
    if (!DOOR_KEY.test(input.key)) throw new ValidationError([{ field: 'key', message: 'lower-case letters, digits and dashes' }]);
    if (await this.doors.exists({ tenantId, key: input.key })) throw new ConflictError(`Door ${input.key} already exists`);
    try {
      const [door] = await this.doors.insertMany([{ _id: newId('dor'), tenantId, key: input.key, name: input.name }]);
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
    const door = await this.doors.findOneAndUpdate({ tenantId, key }, { $set: { name } }, { new: true }).lean();
    if (!door) throw new NotFoundError('Door');
    return door;
  }

  /**
   * An archived door opens nothing from now on and takes no new grants; its grants stay, so the history of
   * who could open it before stays answerable. There is no way back: the archive time bounds that history.
   */
  async archive(tenantId: string, key: string): Promise<DoorDoc> {
    const door = await this.doors.findOneAndUpdate({ tenantId, key, archivedAt: null }, { $set: { archivedAt: new Date() } }, { new: true }).lean();
    if (door) return door;
    await this.getByKey(tenantId, key);
    throw new ConflictError(`Door ${key} is already archived`);
  }
}
