import type { Context } from 'koa';
import { NotFoundError } from '../errors/http-errors.js';
import { acrFor } from '../mfa/acr.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { User, UserService } from '../users/user.service.js';
import type { PendingLoginDoc, PendingLoginModel } from './pending-login.model.js';

type Details = Awaited<ReturnType<TenantRuntime['provider']['interactionDetails']>>;

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
  constructor(
    private readonly steps: LoginStep[],
    private readonly pending: PendingLoginModel,
    private readonly users: UserService,
  ) {}

  /** After the first factor. Returns where the browser goes next. */
  async begin(ctx: Context, runtime: TenantRuntime, details: Details, user: User, amr: string[]): Promise<string> {
    const tenantId = runtime.tenant._id;
    await this.pending.updateOne(
      { tenantId, uid: details.uid },
      { $set: { accountId: user.id, amr, completed: [], expiresAt: new Date(Date.now() + PENDING_TTL_MS) } },
      { upsert: true },
    );
    return this.next(ctx, runtime, details);
  }

  /** A step is done; `amr` adds the methods it used. */
  async completeStep(ctx: Context, runtime: TenantRuntime, details: Details, step: string, amr: string[] = []): Promise<string> {
    const current = await this.current(runtime, details);
    await this.pending.updateOne(
      { tenantId: runtime.tenant._id, uid: details.uid },
      { $set: { amr: [...new Set([...current.pending.amr, ...amr])] }, $addToSet: { completed: step } },
    );
    return this.next(ctx, runtime, details);
  }

  /** The pending sign-in of this interaction; a step page without one is a stale or forged request. */
  async current(runtime: TenantRuntime, details: Details): Promise<{ pending: PendingLoginDoc; user: User }> {
    const pending = await this.pending.findOne({ tenantId: runtime.tenant._id, uid: details.uid }).lean();
    if (!pending || pending.expiresAt.getTime() <= Date.now()) throw new NotFoundError('Sign-in');
    const user = await this.users.getById(runtime.tenant, pending.accountId);
    return { pending, user };
  }

  private async next(ctx: Context, runtime: TenantRuntime, details: Details): Promise<string> {
    const { pending, user } = await this.current(runtime, details);
    for (const step of this.steps) {
      if (pending.completed.includes(step.name)) continue;
      if (await step.required({ runtime, user, pending, details })) return `/t/${runtime.tenant.slug}/interaction/${details.uid}/${step.name}`;
    }
    await this.pending.deleteOne({ tenantId: runtime.tenant._id, uid: details.uid });
    await this.users.touchLastActive(runtime.tenant._id, user.id);
    const amr = pending.amr.length > 1 && !pending.amr.includes('mfa') ? [...pending.amr, 'mfa'] : pending.amr;
    return runtime.provider.interactionResult(ctx.req, ctx.res, { login: { accountId: user.id, amr, acr: acrFor(amr) } }, { mergeWithLastSubmission: false });
  }
}
