import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { validate } from '../admin-api/validate.js';
import { runWithContext } from '../audit/request-context.js';
import { ForbiddenError } from '../errors/http-errors.js';
import { issuerFor } from '../oidc/provider.factory.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { AccessDecisionService, Decision } from './access-decision.service.js';
import { MAX_EVENT_BATCH, type AccessEventIngestService } from './access-event-ingest.service.js';
import { devicesRoutes, type DevicesRoutesDeps } from './devices.routes.js';
import { authenticateLock, userOfToken } from './lock-auth.js';
import type { LockService } from './lock.service.js';

export interface AccessApiDeps extends DevicesRoutesDeps {
  publicUrl: string;
  locks: LockService;
  decisions: AccessDecisionService;
  eventIngest: AccessEventIngestService;
}

const Time = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const DecisionBody = z.strictObject({
  door: z.string().min(1).max(64),
  subject: z.union([
    z.strictObject({ user_id: z.string().min(1).max(128) }),
    z.strictObject({ access_token: z.string().min(1).max(16384) }),
    z.strictObject({ device_id: z.string().min(1).max(64) }),
  ]),
  time: Time.optional(),
});
// Items are checked one by one by the ingest (each may be rejected alone); here only the batch's shape.
const EventsBody = z.strictObject({ events: z.array(z.unknown()).min(1).max(MAX_EVENT_BATCH) });
const StatusBody = z.strictObject({
  battery: z.number().min(0).max(100).nullable().optional(),
  firmware_version: z.string().trim().min(1).max(100).nullable().optional(),
  error_codes: z.array(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/)).max(50).optional(),
  time: Time.optional(),
});

/**
 * The access API of a tenant, at /t/<slug>/access/v1, for locks and their back-ends: decisions (scope
 * access:decide), event uploads (access:events) and status reports (access:status). Problems are RFC 9457 problem+json.
 */
export function accessApiRouter(router: Router, deps: AccessApiDeps): void {
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' });
  const runtimeOf = (ctx: Context) => {
    const runtime = ctx.state.runtime as TenantRuntime;
    return { runtime, issuer: issuerFor(deps.publicUrl, runtime.tenant.slug) };
  };
  const asLock = <T>(ctx: Context, clientId: string, tenant: string, fn: () => Promise<T>) =>
    runWithContext({ actor: { type: 'service', id: clientId, tenant }, requestId: ctx.state.requestId, ip: ctx.ip }, fn);

  router.post('/access/v1/decisions', json, async (ctx) => {
    const { runtime, issuer } = runtimeOf(ctx);
    const lock = await authenticateLock(ctx, runtime, issuer, deps.locks, 'access:decide');
    const body = validate(DecisionBody, ctx.request.body, 'body');
    const { subject } = body;
    // A device names its user; an unknown device names nobody (no_permission), a revoked one is refused as such.
    const device = 'device_id' in subject ? await deps.devices.byId(runtime.tenant._id, subject.device_id) : undefined;
    const userId = 'user_id' in subject ? subject.user_id : 'access_token' in subject ? await userOfToken(runtime, issuer, subject.access_token) : (device?.userId ?? '');
    const deviceRevoked = Boolean(device?.revokedAt && device.revokedAt <= (body.time ?? new Date()));
    const decision = await asLock(ctx, lock.clientId, runtime.tenant.slug, () =>
      deps.decisions.decide(runtime.tenant, lock, { doorKey: body.door, userId, deviceRevoked, at: body.time ?? new Date() }),
    );
    ctx.set('Cache-Control', 'no-store');
    ctx.body = toDecisionView(decision);
  });

  // A full batch of 1,000 events is a few hundred kilobytes.
  const eventsJson = bodyParser({ enableTypes: ['json'], jsonLimit: '2mb', encoding: 'utf-8' });
  router.post('/access/v1/events', eventsJson, async (ctx) => {
    const { runtime, issuer } = runtimeOf(ctx);
    const lock = await authenticateLock(ctx, runtime, issuer, deps.locks, 'access:events');
    // A suspended tenant's data is not processed further, as for status reports.
    if (runtime.tenant.state !== 'active') throw new ForbiddenError('This tenant is suspended');
    const body = validate(EventsBody, ctx.request.body, 'body');
    const result = await asLock(ctx, lock.clientId, runtime.tenant.slug, () => deps.eventIngest.upload(runtime.tenant._id, lock, body.events));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { accepted: result.accepted, duplicate: result.duplicate, rejected: result.rejected.length, errors: result.rejected };
  });

  router.post('/access/v1/status', json, async (ctx) => {
    const { runtime, issuer } = runtimeOf(ctx);
    const lock = await authenticateLock(ctx, runtime, issuer, deps.locks, 'access:status');
    if (runtime.tenant.state !== 'active') throw new ForbiddenError('This tenant is suspended');
    const body = validate(StatusBody, ctx.request.body, 'body');
    const saved = await deps.locks.reportStatus(runtime.tenant._id, lock, {
      battery: body.battery,
      firmwareVersion: body.firmware_version,
      errorCodes: body.error_codes,
      reportedAt: body.time,
    });
    ctx.status = 201;
    ctx.body = { lock_id: lock._id, received_at: saved.receivedAt.toISOString() };
  });

  devicesRoutes(router, deps);
}

export function toDecisionView(d: Decision) {
  return {
    decision: d.result,
    reason: d.reason,
    door: d.door,
    subject: d.subject,
    time: d.at.toISOString(),
    valid_until: d.validUntil?.toISOString() ?? null,
    permission: d.permission ? { id: d.permission.id, via_role: d.permission.viaRole } : null,
  };
}
