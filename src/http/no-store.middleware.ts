import type { Context, Next } from 'koa';

/**
 * For pages that carry form tokens or personal data: no cache (a proxy's, the browser's, its back-forward
 * cache) may keep them. Set before the page is built, so an error page answered instead is not kept either.
 */
export async function noStore(ctx: Context, next: Next): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  await next();
}
