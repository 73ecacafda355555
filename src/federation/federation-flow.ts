import type { Context } from 'koa';
import { z } from 'zod';

/**
 * One sign-in at an upstream provider in flight: the interaction it belongs to and the values only this
 * browser holds (state, nonce, PKCE verifier). Kept in a signed cookie under the tenant's path for ten minutes.
 */
export const FederationFlow = z.object({ uid: z.string().max(128), idp: z.string().max(128), state: z.string().max(128), nonce: z.string().max(128), verifier: z.string().max(128) });
export type FederationFlow = z.infer<typeof FederationFlow>;

const COOKIE = 'doorway_federation';
const TTL_MS = 10 * 60 * 1000;

/** Why a federated sign-in ends on a page instead of in the application; each has a localized text. */
export type FailureReason = 'unavailable' | 'refused' | 'noAccount' | 'emailUnverified' | 'emailTaken' | 'expired' | 'accountUnavailable';

export class FederationFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    readonly status: number,
  ) {
    super(`Federated sign-in failed: ${reason}`);
  }
}

const cookieOptions = (ctx: Context, slug: string) => ({ path: `/t/${slug}/`, httpOnly: true, sameSite: 'lax' as const, signed: true, secure: ctx.secure, overwrite: true });

export function keepFlow(ctx: Context, slug: string, flow: FederationFlow): void {
  ctx.cookies.set(COOKIE, Buffer.from(JSON.stringify(flow)).toString('base64url'), { ...cookieOptions(ctx, slug), maxAge: TTL_MS });
}

/** The flow this browser started, or undefined: none, expired, or not signed by us. */
export function readFlow(ctx: Context): FederationFlow | undefined {
  const value = ctx.cookies.get(COOKIE, { signed: true });
  if (!value) return undefined;
  try {
    const parsed = FederationFlow.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A flow is used once: the answer that completes it, or fails it, ends it. */
export function endFlow(ctx: Context, slug: string): void {
  ctx.cookies.set(COOKIE, null, cookieOptions(ctx, slug));
}
