import { AsyncLocalStorage } from 'node:async_hooks';

export type ActorType = 'user' | 'service' | 'job' | 'system';

/**
 * One individual identity: a user's subject id, a service client id, a job's name. Never a group or a role,
 * because the processing agreement promises traceability "through individual usernames (not user groups)".
 */
export interface Actor {
  type: ActorType;
  id: string;
  /** The tenant the actor belongs to, when it differs from or must be stated next to the one acted on. */
  tenant?: string;
}

export interface RequestContext {
  actor: Actor;
  requestId?: string;
  ip?: string;
}

// Carried implicitly so that a service deep in a call chain cannot forget (or fake) who acts: the boundary
// that authenticated the caller sets it once.
const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(ctx: RequestContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(ctx, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** `user:usr_abc@acme`, `service:cli_x@platform`, `job:anonymize-inactive`. */
export function formatActor(a: Actor): string {
  return a.tenant ? `${a.type}:${a.id}@${a.tenant}` : `${a.type}:${a.id}`;
}
