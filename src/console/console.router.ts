import type Router from '@koa/router';
import type { Context } from 'koa';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { NotFoundError } from '../errors/http-errors.js';
import { useConsolePolicy } from '../http/security-headers.middleware.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';

export interface ConsoleDeps {
  /** The built console (scripts/console-build.mjs writes dist/console). */
  dir: string;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.map': 'application/json' };
// Vite names what it emits by a hash of its content: a name never changes meaning, so it may be kept a year.
const ASSET_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.[a-z0-9]+$/;

/**
 * The tenant's admin console at /t/<slug>/console/: the built app's assets, and its index.html for every other
 * path below, where the app routes on the client. Mounted on the tenant router, so an unknown tenant is a 404.
 */
export function consoleRouter(router: Router, deps: ConsoleDeps): void {
  router.get('/console', (ctx) => {
    ctx.status = 301;
    ctx.redirect(`${ctx.path}/`);
  });
  router.get('/console/assets/:file', async (ctx) => {
    const file = String(ctx.params.file);
    const type = TYPES[extname(file)];
    if (!ASSET_NAME.test(file) || !type) throw new NotFoundError('Asset');
    ctx.body = await readBuilt(deps.dir, 'assets', file);
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    useConsolePolicy(ctx);
  });
  router.get('/console/{*path}', async (ctx) => {
    const html = (await readBuilt(deps.dir, 'index.html')).toString('utf8');
    ctx.type = 'html';
    ctx.body = withAbsoluteAssets(html, ctx);
    // A new deployment's index.html names new assets: it is fetched again every time, the assets are not.
    ctx.set('Cache-Control', 'no-store');
    useConsolePolicy(ctx);
  });
}

/**
 * The build refers to its assets relative to index.html (`./assets/...`), as it cannot know the tenant; the
 * same index.html answers at any depth below /console/, so those references are made absolute here.
 */
function withAbsoluteAssets(html: string, ctx: Context): string {
  const slug = (ctx.state.runtime as TenantRuntime).tenant.slug;
  return html.replaceAll('"./assets/', `"/t/${encodeURIComponent(slug)}/console/assets/`);
}

async function readBuilt(dir: string, ...path: string[]): Promise<Buffer> {
  try {
    return await readFile(join(dir, ...path));
  } catch {
    // No such asset, or a checkout whose console was never built (npm start and npm test build it).
    throw new NotFoundError(path[0] === 'index.html' ? 'Console build' : 'Asset');
  }
}
