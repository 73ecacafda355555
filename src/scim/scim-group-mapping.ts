import type { RoleDoc } from '../roles/role.model.js';
import type { User } from '../users/user.service.js';
import { badRequest } from './scim-errors.js';
import { externalIdOf } from './scim-user-mapping.js';
import { versionOf } from './scim-version.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export interface ScimGroup {
  schemas: string[];
  id: string;
  externalId?: string;
  displayName: string;
  members: { value: string; display?: string; $ref: string }[];
  meta: { resourceType: 'Group'; created: string; lastModified: string; location: string; version: string };
}

/**
 * A group is a role the tenant defines: its id and displayName are the role's name (the value of the `roles`
 * claim, never renamed), its members the users holding it.
 */
export function toScimGroup(role: RoleDoc, members: User[], base: string): ScimGroup {
  const shown = {
    schemas: [GROUP_SCHEMA],
    id: role.name,
    ...(role.externalId ? { externalId: role.externalId } : {}),
    displayName: role.name,
    members: members.map((u) => ({ value: u.id, ...(u.email ? { display: u.email } : {}), $ref: `${base}/Users/${u.id}` })).sort((x, y) => x.value.localeCompare(y.value)),
  };
  const meta = { resourceType: 'Group' as const, created: role.createdAt.toISOString(), lastModified: role.updatedAt.toISOString(), location: `${base}/Groups/${role.name}` };
  return { ...shown, meta: { ...meta, version: versionOf(shown) } };
}

/** The displayName and member ids a Group body (POST, PUT, or a patched group) asks for. */
export function fromScimGroup(body: unknown): { displayName: string; externalId?: string; memberIds: string[] } {
  if (typeof body !== 'object' || body === null) throw badRequest('invalidSyntax', 'A Group resource is a JSON object');
  const r = body as Record<string, unknown>;
  if (typeof r.displayName !== 'string') throw badRequest('invalidValue', 'displayName is required: it is the role name');
  const members = r.members === undefined ? [] : r.members;
  if (!Array.isArray(members)) throw badRequest('invalidValue', 'members is an array');
  const memberIds = members.map((m: unknown) => {
    const value = typeof m === 'object' && m !== null ? (m as { value?: unknown }).value : undefined;
    if (typeof value !== 'string') throw badRequest('invalidValue', 'each member has a user id as its value');
    return value;
  });
  return { displayName: r.displayName, externalId: externalIdOf(r.externalId), memberIds: [...new Set(memberIds)] };
}
