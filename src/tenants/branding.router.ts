import type Router from '@koa/router';
import { NotFoundError } from '../errors/http-errors.js';
import type { TenantLogoService } from './tenant-logo.service.js';
import type { TenantRuntime } from './tenant-runtime.js';

/**
 * The tenant's logo, from our own origin (the pages' CSP allows images from 'self' only). The image is read
 * fresh, not from the cached tenant: an upload or removal shows at once in this process too.
 */
export function brandingRouter(router: Router, deps: { logos: TenantLogoService }): void {
  router.get('/branding/logo', async (ctx) => {
    const { tenant } = ctx.state.runtime as TenantRuntime;
    const logo = await deps.logos.get(tenant._id);
    if (!logo) throw new NotFoundError('Logo');
    const etag = `"${logo.sha256}"`;
    ctx.set({
      ETag: etag,
      // The pages link `?v=<hash>`: that URL never changes content. Any other is revalidated by its ETag.
      'Cache-Control': ctx.query.v === logo.sha256 ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline; filename="logo"',
    });
    if (ctx.get('if-none-match').split(/\s*,\s*/).includes(etag)) {
      ctx.status = 304;
      return;
    }
    ctx.type = logo.contentType;
    ctx.body = logo.data;
  });
}
