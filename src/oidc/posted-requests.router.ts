import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { ValidationError } from '../errors/http-errors.js';

/** The endpoints a relying party may also post a form to: authorization (OIDC Core 3.1.2.1), end session (RP-Initiated Logout §2). */
const POSTABLE = ['/auth', '/session/end'];

/**
 * A form posted from the relying party's page is a cross-site POST, and the browser sends no SameSite=Lax
 * cookie with it: oidc-provider would not find the person's session, which is why it takes POST there only
 * with its session cookie made SameSite=None. We keep every cookie Lax (a cross-site request carries none
 * of them) and answer the post with 303 to the same endpoint, its form as the query. The browser's GET that
 * follows is a top-level navigation, which carries Lax cookies: the request then goes on exactly as if the
 * relying party had redirected. Its parameters end up in a URL, as they would have with GET; a form too big
 * for one (over 8 kB) is refused.
 */
export function postedRequestsRouter(router: Router): void {
  const form = bodyParser({ enableTypes: ['form'], formLimit: '8kb', encoding: 'utf-8' });
  for (const path of POSTABLE) {
    router.post(path, form, (ctx: Context) => {
      if (!ctx.request.is('application/x-www-form-urlencoded')) {
        throw new ValidationError([{ field: 'body', message: 'an application/x-www-form-urlencoded form' }]);
      }
      const query = new URLSearchParams(ctx.request.rawBody ?? '').toString();
      ctx.status = 303;
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(`${ctx.path}?${query}`);
    });
  }
}
