import type Router from '@koa/router';
import { assertMayActOn, assertMayChangeAdminRoles, roleWarnings } from '../admin-api/admin-roles.js';
import { WARNING_HEADER } from '../admin-api/route-spec.js';
import { ROLE_NAME } from '../roles/role.service.js';
import type { RoleDoc } from '../roles/role.model.js';
import type { User } from '../users/user.service.js';
import { listResponse, pageOf, type ScimRequest, type ScimServices } from './scim-context.js';
import { badRequest, ScimError } from './scim-errors.js';
import { parseEqualityFilter } from './scim-filter.js';
import { fromScimGroup, toScimGroup } from './scim-group-mapping.js';
import { patchResource } from './scim-patch.js';
import { checkIfMatch, sendResource } from './scim-version.js';
import type { Handle } from './scim.router.js';

const GROUP_FILTERS = { displayname: 'name', id: 'name', externalid: 'externalId' };

/**
 * /Groups: the tenant's roles. Membership changes are role changes of users, made by UserService.update as the
 * admin API makes them (change-log entry, membership history, warnings for roles that open personal data);
 * tokens issued afterwards carry the new roles. Admin roles are not given or taken here (assertMayChangeAdminRoles).
 */
export function scimGroupRoutes(router: Router, handle: Handle, services: ScimServices): void {
  const { users, roles } = services;

  const holders = async (req: ScimRequest, role: string): Promise<User[]> => {
    const all: User[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await users.list(req.tenant, { role, cursor, limit: 500 });
      all.push(...page.items);
      if (!page.nextCursor) return all;
      cursor = page.nextCursor;
    }
  };
  const allRoles = async (tenantId: string): Promise<RoleDoc[]> => {
    const all: RoleDoc[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await roles.list(tenantId, { cursor, limit: 500 });
      all.push(...page.items);
      if (!page.nextCursor) return all;
      cursor = page.nextCursor;
    }
  };
  const show = async (req: ScimRequest, role: RoleDoc) => toScimGroup(role, await holders(req, role.name), req.base);

  /** Gives the role to `wanted` and takes it from every other holder; answers the warnings of what it gave. */
  /** Checks every member to be before anything is written, so that a refused request leaves nothing behind. */
  const checkNewMembers = async (req: ScimRequest, role: string, ids: string[]): Promise<void> => {
    for (const id of ids) {
      const user = await users.findById(req.tenant, id);
      if (!user) throw badRequest('invalidValue', `No user ${id} in this tenant`);
      assertMayActOn(req.principal, user);
      assertMayChangeAdminRoles(req.principal, user.roles, [...user.roles, role]);
    }
  };
  const setMembers = async (req: ScimRequest, role: string, wanted: string[]): Promise<string[]> => {
    const current = await holders(req, role);
    const warnings: string[] = [];
    const change = async (user: User, after: string[]) => {
      assertMayActOn(req.principal, user);
      assertMayChangeAdminRoles(req.principal, user.roles, after);
      const updated = await users.update(req.tenant, user.id, { roles: after });
      warnings.push(...roleWarnings('user', updated.roles, user.roles));
    };
    for (const user of current.filter((u) => !wanted.includes(u.id))) await change(user, user.roles.filter((r) => r !== role));
    for (const id of wanted.filter((w) => !current.some((u) => u.id === w))) {
      const user = await users.findById(req.tenant, id);
      if (!user) throw badRequest('invalidValue', `No user ${id} in this tenant`);
      await change(user, [...user.roles, role]);
    }
    return [...new Set(warnings)];
  };
  const respond = async (req: ScimRequest, role: RoleDoc, warnings: string[], status = 200) => {
    if (warnings.length) req.ctx.set(WARNING_HEADER, warnings);
    const group = await show(req, await roles.getByName(req.tenant._id, role.name));
    if (status === 201) req.ctx.set('Location', group.meta.location);
    sendResource(req.ctx, group, status);
  };

  handle(router, '/Groups', 'get', async (req) => {
    const filter = parseEqualityFilter(typeof req.ctx.query.filter === 'string' ? req.ctx.query.filter : undefined, GROUP_FILTERS);
    const { startIndex, count } = pageOf(req.ctx.query);
    const matching = (await allRoles(req.tenant._id)).filter((r) => !filter || (filter.attribute === 'externalId' ? r.externalId === filter.value : r.name === filter.value));
    const page = await Promise.all(matching.slice(startIndex - 1, startIndex - 1 + count).map((r) => show(req, r)));
    req.ctx.type = 'application/scim+json';
    req.ctx.body = listResponse(page, matching.length, startIndex);
  });

  handle(router, '/Groups', 'post', async (req) => {
    const { displayName, externalId, memberIds } = fromScimGroup(req.ctx.request.body);
    if (!ROLE_NAME.test(displayName)) throw badRequest('invalidValue', 'displayName is the role name: lower-case letters, digits, _ : -, starting with a letter');
    await checkNewMembers(req, displayName, memberIds);
    const role = await roles.create(req.tenant._id, { name: displayName, externalId });
    await respond(req, role, await setMembers(req, role.name, memberIds), 201);
  });

  handle(router, '/Groups/:id', 'get', async (req) => sendResource(req.ctx, await show(req, await roles.getByName(req.tenant._id, req.ctx.params.id!))));

  const replace = async (req: ScimRequest, next: (shown: Awaited<ReturnType<typeof show>>) => unknown) => {
    const role = await roles.getByName(req.tenant._id, req.ctx.params.id!);
    const shown = await show(req, role);
    checkIfMatch(req.ctx, shown.meta.version);
    const { displayName, externalId, memberIds } = fromScimGroup(next(shown));
    if (displayName !== role.name) throw new ScimError(400, 'A role is never renamed: its name is in tokens and on users', 'mutability');
    await checkNewMembers(req, role.name, memberIds.filter((id) => !shown.members.some((m) => m.value === id)));
    if (externalId !== role.externalId) await roles.setExternalId(req.tenant._id, role.name, externalId);
    await respond(req, role, await setMembers(req, role.name, memberIds));
  };
  handle(router, '/Groups/:id', 'put', (req) => replace(req, () => req.ctx.request.body));
  handle(router, '/Groups/:id', 'patch', (req) => replace(req, (shown) => patchResource(shown, req.ctx.request.body)));

  handle(router, '/Groups/:id', 'delete', async (req) => {
    const role = await roles.getByName(req.tenant._id, req.ctx.params.id!);
    checkIfMatch(req.ctx, (await show(req, role)).meta.version);
    await setMembers(req, role.name, []);
    await roles.delete(req.tenant._id, role.name);
    req.ctx.status = 204;
  });
}
