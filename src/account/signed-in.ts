import type { Context, Middleware, Next } from 'koa';
import { sessionAccount } from '../mfa/session-account.js';
import { pageContext } from '../oidc/provider-pages.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { User, UserService } from '../users/user.service.js';
import type { PageContext } from './account-pages.js';
import type { AccountSessions, SignedInSession } from './sessions.service.js';

/** The person on an account page: their oidc-provider session at this tenant, and who they are. */
export type SignedIn = SignedInSession & { user: User };

export interface SignedInDeps {
  sessions: AccountSessions;
  users: UserService;
}

/**
 * Lets a request to an account page through only when this browser is signed in at the tenant as an active
 * user (`signedInOf` then names them); anyone else gets `signedOut`'s page, 401. Nothing on these pages is
 * cached: they show a person's own data and one-time forms.
 */
export function requireSignedIn(deps: SignedInDeps, signedOut: (ctx: Context, page: PageContext) => void): Middleware {
  return async function signedIn(ctx: Context, next: Next): Promise<void> {
    const runtime = ctx.state.runtime as TenantRuntime;
    const user = await sessionAccount(ctx, runtime, deps.users);
    const session = user && (await deps.sessions.current(runtime, ctx));
    ctx.set('Cache-Control', 'no-store');
    if (user && session) {
      ctx.state.signedIn = { ...session, user } satisfies SignedIn;
      return next();
    }
    ctx.status = 401;
    ctx.type = 'html';
    signedOut(ctx, pageContext(ctx, runtime.tenant));
  };
}

export function signedInOf(ctx: Context): SignedIn {
  return ctx.state.signedIn as SignedIn;
}
