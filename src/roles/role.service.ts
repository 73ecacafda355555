import { newId } from '../db/ids.js';
import type { DoorPermissionService } from '../doors/door-permission.service.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/http-errors.js';
import type { UserModel } from '../users/user.model.js';
import type { RoleDoc, RoleModel } from './role.model.js';
import { isDuplicateKey } from '../db/duplicate-key.js';

/** A role's name is the value in the `roles` claim, the same rule as the roles written on users. */
export const ROLE_NAME = /^[a-z][a-z0-9_:-]{0,63}$/;

export interface RoleListQuery {
  cursor?: string;
  limit: number;
}

/**
 * The roles a tenant defines, to which doors are granted. Users still carry their roles as plain names, which
 * need not be defined here; a defined role is what door grants can name. The name is the role's identity
 * (it is in tokens and on users), so it cannot be renamed; only the description changes.
 */
export class RoleService {
  constructor(
    private readonly roles: RoleModel,
    private readonly users: UserModel,
    private readonly doorPermissions: DoorPermissionService,
  ) {}

  async create(tenantId: string, input: { name: string; description?: string; externalId?: string }): Promise<RoleDoc> {
    if (!ROLE_NAME.test(input.name)) throw new ValidationError([{ field: 'name', message: 'lower-case role name' }]);
    if (await this.roles.exists({ tenantId, name: input.name })) throw new ConflictError(`Role ${input.name} already exists`);
    try {
      const [role] = await this.roles.insertMany([{ _id: newId('rol'), tenantId, name: input.name, description: input.description, externalId: input.externalId }]);
      return role!.toObject();
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError(`Role ${input.name} already exists`);
      throw err;
    }
  }

  /** Ordered by name, which never changes, so pages stay stable while roles are added. */
  async list(tenantId: string, query: RoleListQuery): Promise<{ items: RoleDoc[]; nextCursor: string | null }> {
    const filter: Record<string, unknown> = { tenantId };
    if (query.cursor) filter.name = { $gt: Buffer.from(query.cursor, 'base64url').toString('utf8') };
    const docs = await this.roles.find(filter).sort({ name: 1 }).limit(query.limit + 1).lean();
    const items = docs.slice(0, query.limit);
    const more = docs.length > query.limit;
    return { items, nextCursor: more ? Buffer.from(items[items.length - 1]!.name).toString('base64url') : null };
  }

  async getByName(tenantId: string, name: string): Promise<RoleDoc> {
    const role = await this.roles.findOne({ tenantId, name }).lean();
    if (!role) throw new NotFoundError('Role');
    return role;
  }

  async update(tenantId: string, name: string, patch: { description?: string | null }): Promise<RoleDoc> {
    const change = patch.description ? { $set: { description: patch.description } } : { $unset: { description: '' } };
    const role = await this.roles.findOneAndUpdate({ tenantId, name }, change, { returnDocument: 'after' }).lean();
    if (!role) throw new NotFoundError('Role');
    return role;
  }

  /** The provisioning client's id for the role's group; undefined removes it. */
  async setExternalId(tenantId: string, name: string, externalId: string | undefined): Promise<RoleDoc> {
    const change = externalId ? { $set: { externalId } } : { $unset: { externalId: '' as const } };
    const role = await this.roles.findOneAndUpdate({ tenantId, name }, change, { returnDocument: 'after' }).lean();
    if (!role) throw new NotFoundError('Role');
    return role;
  }

  /**
   * Refused while users hold the role: their tokens would name a role nobody manages. The role's open door
   * grants are revoked, not left behind, so that a role created later under the same name starts with none.
   */
  async delete(tenantId: string, name: string): Promise<void> {
    await this.getByName(tenantId, name);
    const holders = await this.users.countDocuments({ tenantId, roles: name });
    if (holders) throw new ConflictError(`Role ${name} is held by ${holders} user(s); remove it from them first`);
    await this.doorPermissions.revokeAllHeldByRole(tenantId, name);
    await this.roles.deleteOne({ tenantId, name });
  }
}
