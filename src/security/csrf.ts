import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import { ForbiddenError } from '../errors/http-errors.js';
import { translate } from '../i18n/messages.js';
import { pageContext } from '../oidc/provider-pages.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { ViewRenderer } from '../views/view-renderer.js';

/** The hidden input every form we render carries (views render `hidden` as inputs). */
export const CSRF_FIELD = 'csrf';
/** For a script that posts without a form. */
export const CSRF_HEADER = 'x-csrf-token';

/** What the form belongs to: the interaction uid, the session id, the link's token id… */
export type CsrfBinding = (ctx: Context) => string;

/** Forms of the sign-in pages (login, consent, every step) belong to their interaction. */
export const interactionBinding: CsrfBinding = (ctx) => `interaction:${ctx.params.uid}`;

/**
 * Forms are protected by a signed double-submit token. The browser holds a random value in an httpOnly,
 * SameSite=Lax cookie; each form carries HMAC(key, cookie value | binding), where the binding names what the
 * form acts on. A forged post from another site has neither the cookie's value nor the key; a token copied from
 * one form does not fit another interaction or session; and any process derives the same key from the master
 * key, so a form rendered by one instance is accepted by another.
 */
export class Csrf {
  constructor(
    private readonly key: Buffer,
    private readonly views: ViewRenderer,
  ) {}

  /** The fields to put in a form's `hidden`; sets the browser's cookie on first use. */
  hidden(ctx: Context, binding: string): Record<string, string> {
    // A second form of the same page must get the value the first one set, not the request's missing cookie.
    let secret = (ctx.state.csrfSecret as string | undefined) ?? ctx.cookies.get(cookieName(ctx));
    if (!secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) {
      secret = randomBytes(32).toString('base64url');
      ctx.cookies.set(cookieName(ctx), secret, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', overwrite: true });
    }
    ctx.state.csrfSecret = secret;
    return { [CSRF_FIELD]: this.token(secret, binding) };
  }

  /**
   * Checks a posted form (its body already parsed) against the browser's cookie. A missing or wrong token is
   * answered 403 with a localized page, before the form's handler runs.
   */
  verify(binding: CsrfBinding): Middleware {
    return async (ctx: Context, next: Next) => {
      const body = ctx.request.body as Record<string, unknown> | undefined;
      const sent = typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : ctx.get(CSRF_HEADER);
      const secret = ctx.cookies.get(cookieName(ctx));
      if (secret && sent && equal(sent, this.token(secret, binding(ctx)))) return next();
      this.refuse(ctx);
    };
  }

  private refuse(ctx: Context): void {
    const runtime = ctx.state.runtime as TenantRuntime | undefined;
    if (!runtime) throw new ForbiddenError('Missing or invalid form token');
    const page = pageContext(ctx, runtime.tenant);
    ctx.status = 403;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = this.views.render('forbidden', { ...page, title: translate(page.locale, 'title.forbidden') });
  }

  private token(secret: string, binding: string): string {
    return createHmac('sha256', this.key).update(`${secret}|${binding}`).digest('base64url');
  }
}

/** `__Host-` pins the cookie to this origin and path / where the request is https; plain http cannot use it. */
function cookieName(ctx: Context): string {
  return ctx.secure ? '__Host-csrf' : 'csrf';
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
