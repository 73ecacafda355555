import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';

export type Details = Awaited<ReturnType<TenantRuntime['provider']['interactionDetails']>>;

const LOADED = Symbol('interaction');

/**
 * The interaction a page works on, read once per request: the handler, the sign-in steps and the form-target
 * header (interaction-form-targets.ts) all need it, and each read is a database round trip.
 */
export function interactionOf(ctx: Context): Promise<Details> {
  const state = ctx.state as { [LOADED]?: Promise<Details>; runtime: TenantRuntime };
  return (state[LOADED] ??= state.runtime.provider.interactionDetails(ctx.req, ctx.res));
}

/** The interaction this request already read, if it read one: never a read of its own. */
export function loadedInteraction(ctx: Context): Promise<Details> | undefined {
  return (ctx.state as { [LOADED]?: Promise<Details> })[LOADED];
}

/**
 * Records the result on the interaction read for this request and returns where the browser resumes. It is
 * oidc-provider's `interactionResult` without reading the interaction (and its session) a second time.
 */
export async function finishInteraction(details: Details, result: InteractionResults, options: { mergeWithLastSubmission: boolean }): Promise<string> {
  details.result = options.mergeWithLastSubmission && !('error' in result) ? { ...details.lastSubmission, ...result } : result;
  await details.save(details.exp - Math.floor(Date.now() / 1000));
  return details.returnTo;
}
