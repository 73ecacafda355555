import type Router from '@koa/router';
import type { Context } from 'koa';
import { listResponse } from './scim-context.js';
import { ScimError } from './scim-errors.js';
import { resourceTypes, schemaDocuments, serviceProviderConfig } from './scim-schemas.js';
import type { Handle } from './scim.router.js';

/** RFC 7644 §4: what this server supports, for clients that configure themselves. */
export function scimDiscoveryRoutes(router: Router, handle: Handle): void {
  const send = (ctx: Context, body: object) => {
    ctx.type = 'application/scim+json';
    ctx.body = body;
  };
  const one = <T extends { id: string }>(all: T[], id: string | undefined): T => {
    const found = all.find((x) => x.id === id);
    if (!found) throw new ScimError(404, `No ${id} here`);
    return found;
  };
  handle(router, '/ServiceProviderConfig', 'get', async ({ ctx, base }) => send(ctx, serviceProviderConfig(base)));
  handle(router, '/ResourceTypes', 'get', async ({ ctx, base }) => send(ctx, listResponse(resourceTypes(base), 2, 1)));
  handle(router, '/ResourceTypes/:id', 'get', async ({ ctx, base }) => send(ctx, one(resourceTypes(base), ctx.params.id)));
  handle(router, '/Schemas', 'get', async ({ ctx, base }) => send(ctx, listResponse(schemaDocuments(base), 2, 1)));
  handle(router, '/Schemas/:id', 'get', async ({ ctx, base }) => send(ctx, one(schemaDocuments(base), ctx.params.id)));
}
