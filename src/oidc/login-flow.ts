import type { Context } from 'koa';
import { NotFoundError } from '../errors/http-errors.js';
import { acrFor } from '../mfa/acr.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { User, UserService } from '../users/user.service.js';
import type { PendingLoginDoc, PendingLoginModel } from './pending-login.model.js';
import { finishInteraction, type Details } from './interaction-context.js';

export interface LoginStepInput {
  runtime: TenantRuntime;
  user: User;
  pending: PendingLoginDoc;
  details: Details;
}

/**
 * One step between the first factor and the finished sign-in. Each step owns its page at
 * /t/<slug>/interaction/<uid>/<name> and calls `LoginFlow.completeStep` when done.
 */
export interface LoginStep {
  name: string;
  required(input: LoginStepInput): Promise<boolean> | boolean;
}

/** The interaction's lifetime bounds a pending sign-in; it never outlives the request it belongs to. */
const PENDING_TTL_MS = 10 * 60 * 1000;

/**
 * Drives a sign-in through the tenant's required steps, in order, and finishes the oidc-provider interaction
 * with the methods actually used (amr), so relying parties learn how the user authenticated.
 */
export class LoginFlow {
  /** Told of every finished sign-in (src/webhooks/sign-in-events.ts). */
  onSignedIn: ((tenantId: string, userId: string, amr: string[]) => Promise<void>) | undefined;

  constructor(
    private readonly steps: LoginStep[],
    private readonly pending: PendingLoginModel,
    private readonly users: UserService,
  ) {}

  /**
   * After the first factor. Returns where the browser goes next. A sign-in that needs no further step is
   * finished at once and stores nothing; one that does is stored, so any process can continue it.
   */
  async begin(ctx: Context, runtime: TenantRuntime, details: Details, user: User, amr: string[]): Promise<string> {
    const tenantId = runtime.tenant._id;
    const pending: PendingLoginDoc = { tenantId, uid: details.uid, accountId: user.id, amr, completed: [], expiresAt: new Date(Date.now() + PENDING_TTL_MS) };
    const step = await this.nextStep(runtime, details, pending, user);
    if (!step) return this.finish(runtime, details, pending, user);
    const { accountId, completed, expiresAt } = pending;
    await this.pending.updateOne({ tenantId, uid: details.uid }, { $set: { accountId, amr, completed, expiresAt } }, { upsert: true });
    return this.stepUrl(runtime, details, step);
  }

  /** A step is done; `amr` adds the methods it used. */
  async completeStep(ctx: Context, runtime: TenantRuntime, details: Details, step: string, amr: string[] = []): Promise<string> {
    const current = await this.current(runtime, details);
    const pending = { ...current.pending, amr: [...new Set([...current.pending.amr, ...amr])], completed: [...new Set([...current.pending.completed, step])] };
    const next = await this.nextStep(runtime, details, pending, current.user);
    if (!next) return this.finish(runtime, details, pending, current.user);
    await this.pending.updateOne({ tenantId: runtime.tenant._id, uid: details.uid }, { $set: { amr: pending.amr }, $addToSet: { completed: step } });
    return this.stepUrl(runtime, details, next);
  }

  /** The pending sign-in of this interaction; a step page without one is a stale or forged request. */
  async current(runtime: TenantRuntime, details: Details): Promise<{ pending: PendingLoginDoc; user: User }> {
    const pending = await this.pending.findOne({ tenantId: runtime.tenant._id, uid: details.uid }).lean();
    if (!pending || pending.expiresAt.getTime() <= Date.now()) throw new NotFoundError('Sign-in');
    const user = await this.users.getById(runtime.tenant, pending.accountId);
    return { pending, user };
  }

  private async nextStep(runtime: TenantRuntime, details: Details, pending: PendingLoginDoc, user: User): Promise<LoginStep | undefined> {
    for (const step of this.steps) {
      if (pending.completed.includes(step.name)) continue;
      if (await step.required({ runtime, user, pending, details })) return step;
    }
    return undefined;
  }

  private stepUrl(runtime: TenantRuntime, details: Details, step: LoginStep): string {
    return `/t/${runtime.tenant.slug}/interaction/${details.uid}/${step.name}`;
  }

  private async finish(runtime: TenantRuntime, details: Details, pending: PendingLoginDoc, user: User): Promise<string> {
    // Nothing stored when the sign-in finished at its first factor; a stale entry would only expire.
    if (pending.completed.length) await this.pending.deleteOne({ tenantId: runtime.tenant._id, uid: details.uid });
    await this.users.touchLastActive(runtime.tenant._id, user.id, user.lastActiveAt);
    const amr = pending.amr.length > 1 && !pending.amr.includes('mfa') ? [...pending.amr, 'mfa'] : pending.amr;
    await this.onSignedIn?.(runtime.tenant._id, user.id, amr);
    return finishInteraction(details, { login: { accountId: user.id, amr, acr: acrFor(amr) } }, { mergeWithLastSubmission: false });
  }
}
