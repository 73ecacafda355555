import type Router from '@koa/router';
import { assertMayActOn } from '../admin-api/admin-roles.js';
import { Locale } from '../admin-api/schemas.js';
import type { User } from '../users/user.service.js';
import type { ScimDeprovisioning } from '../tenants/tenant.model.js';
import { listResponse, pageOf, type ScimRequest, type ScimServices } from './scim-context.js';
import { badRequest, ScimError } from './scim-errors.js';
import { parseEqualityFilter } from './scim-filter.js';
import { patchResource } from './scim-patch.js';
import { fromScimUser, toScimUser, type UserFields } from './scim-user-mapping.js';
import { checkIfMatch, sendResource } from './scim-version.js';

import type { Handle } from './scim.router.js';

const USER_FILTERS = { username: 'email', 'emails.value': 'email', emails: 'email', id: 'id', externalid: 'externalId' };
const PHONE = /^\+?[0-9 ()-]{5,30}$/;
export const DEFAULT_DEPROVISIONING: ScimDeprovisioning = 'deactivate';

/**
 * /Users: the same UserService calls as the admin API's /users routes, so each change writes the same
 * change-log entries and ends the same sessions. A user holding an admin role is only read here: changing
 * them is for a tenant admin (assertMayActOn), which a provisioning account is not.
 */
export function scimUserRoutes(router: Router, handle: Handle, services: ScimServices): void {
  const { users } = services;

  handle(router, '/Users', 'get', async ({ ctx, tenant, base }) => {
    const filter = parseEqualityFilter(str(ctx.query.filter), USER_FILTERS);
    const { startIndex, count } = pageOf(ctx.query);
    if (filter?.attribute === 'id') {
      const found = await users.findById(tenant, filter.value);
      const all = found ? [toScimUser(found, base)] : [];
      ctx.body = listResponse(all.slice(startIndex - 1, startIndex - 1 + count), all.length, startIndex);
    } else {
      const by = filter ? { [filter.attribute]: filter.value } : {};
      const [page, total] = await Promise.all([users.list(tenant, { ...by, limit: startIndex - 1 + count }), users.count(tenant, by)]);
      ctx.body = listResponse(page.items.slice(startIndex - 1).map((u) => toScimUser(u, base)), total, startIndex);
    }
    ctx.type = 'application/scim+json';
  });

  handle(router, '/Users', 'post', async ({ ctx, tenant, base }) => {
    const fields = fromScimUser(ctx.request.body);
    validate(fields);
    const { email, name, givenName, familyName, phone, locale, externalId } = fields;
    const created = await users.create(tenant, { email, name, givenName, familyName, phone, locale, externalId });
    const user = fields.active ? created : await users.setStatus(tenant, created.id, LOCK);
    const resource = toScimUser(await users.getById(tenant, user.id), base);
    ctx.set('Location', resource.meta.location);
    sendResource(ctx, resource, 201);
  });

  handle(router, '/Users/:id', 'get', async ({ ctx, tenant, base }) => {
    sendResource(ctx, toScimUser(await users.getById(tenant, ctx.params.id!), base));
  });

  const replace = async (req: ScimRequest, toFields: (current: ReturnType<typeof toScimUser>) => UserFields) => {
    const { ctx, tenant, base, principal } = req;
    const current = await users.getById(tenant, ctx.params.id!);
    const shown = toScimUser(current, base);
    checkIfMatch(ctx, shown.meta.version);
    assertMayActOn(principal, current);
    const fields = toFields(shown);
    validate(fields);
    // An attribute the resource no longer has is removed: '' is how UserService is told to unset a field.
    const kept = (field: 'name' | 'givenName' | 'familyName' | 'phone' | 'externalId') => fields[field] ?? (current[field] === undefined ? undefined : '');
    const patch = { email: fields.email, name: kept('name'), givenName: kept('givenName'), familyName: kept('familyName'), phone: kept('phone'), externalId: kept('externalId') };
    await users.update(tenant, current.id, { ...patch, locale: fields.locale });
    await setActive(current, fields.active, req);
    sendResource(ctx, toScimUser(await users.getById(tenant, current.id), base));
  };

  handle(router, '/Users/:id', 'put', (req) => replace(req, () => fromScimUser(req.ctx.request.body)));
  handle(router, '/Users/:id', 'patch', (req) =>
    replace(req, (shown) => {
      const patched = patchResource(shown, req.ctx.request.body);
      // A user's groups are changed through /Groups (RFC 7643 §4.1.2): a PATCH of them here changes nothing, so it is refused.
      if (patched.id !== shown.id || JSON.stringify(patched.groups) !== JSON.stringify(shown.groups)) throw new ScimError(400, 'id and groups are read-only here; change membership through /Groups', 'mutability');
      return fromScimUser(patched);
    }),
  );

  handle(router, '/Users/:id', 'delete', async ({ ctx, tenant, base, principal }) => {
    const current = await users.getById(tenant, ctx.params.id!);
    checkIfMatch(ctx, toScimUser(current, base).meta.version);
    assertMayActOn(principal, current);
    if ((tenant.settings.scimDeprovisioning ?? DEFAULT_DEPROVISIONING) === 'erase') await users.delete(tenant, current.id);
    else if (current.status !== 'locked') await users.setStatus(tenant, current.id, LOCK);
    ctx.status = 204;
  });

  async function setActive(current: User, active: boolean, { tenant }: ScimRequest): Promise<void> {
    if (!active && current.status === 'active') await users.setStatus(tenant, current.id, LOCK);
    if (active && current.status === 'locked') await users.setStatus(tenant, current.id, { from: ['locked'], to: 'active', action: 'user.unlocked' });
  }
}

/** Deactivation is the admin API's lock: no sign-in, sessions and tokens ended, lifted only by an admin or SCIM. */
const LOCK = { from: ['active', 'locked'] as User['status'][], to: 'locked' as const, action: 'user.locked' };

function validate(fields: UserFields): void {
  if (fields.locale !== undefined && !Locale.safeParse(fields.locale).success) throw badRequest('invalidValue', `locale must be one of ${Locale.options.join(', ')}`);
  if (fields.phone !== undefined && !PHONE.test(fields.phone)) throw badRequest('invalidValue', 'phoneNumbers value is not a phone number');
  if (fields.email.length > 320) throw badRequest('invalidValue', 'userName is too long');
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
