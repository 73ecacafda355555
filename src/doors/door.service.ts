import { newId } from '../db/ids.js';
import { ConflictError, NotFoundError } from '../errors/http-errors.js';
import type { DoorDoc, DoorModel } from './door.model.js';

export class DoorService {
  constructor(private readonly doors: DoorModel) {}

  async create(tenantId: string, input: { key: string; name: string }): Promise<DoorDoc> {
    if (await this.doors.exists({ tenantId, key: input.key })) throw new ConflictError(`Door ${input.key} already exists`);
    const [door] = await this.doors.insertMany([{ _id: newId('dor'), tenantId, key: input.key, name: input.name }]);
    return door!.toObject();
  }

  async getByKey(tenantId: string, key: string): Promise<DoorDoc> {
    const door = await this.doors.findOne({ tenantId, key }).lean();
    if (!door) throw new NotFoundError('Door');
    return door;
  }
}
