import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { validate } from '../admin-api/validate.js';
import { runWithContext } from '../audit/request-context.js';
import { ForbiddenError } from '../errors/http-errors.js';
import { issuerFor } from '../oidc/provider.factory.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { DoorKeyService } from './door-key.service.js';
import { authenticateDeviceUser } from './device-auth.js';
import { checkDeviceProof, type ProofReplays } from './device-proof.js';
import type { DeviceDoc } from './device.model.js';
import type { DeviceService } from './device.service.js';
import { authenticateLock } from './lock-auth.js';
import type { LockService } from './lock.service.js';
import type { RevocationListService } from './revocation-list.service.js';

export interface DevicesRoutesDeps {
  publicUrl: string;
  locks: LockService;
  devices: DeviceService;
  doorKeys: DoorKeyService;
  revocations: RevocationListService;
  proofReplays: ProofReplays;
}

const RegisterBody = z.strictObject({ label: z.string().trim().min(1).max(100), jwk: z.record(z.string(), z.unknown()) });
const DeviceParams = z.object({ id: z.string().regex(/^dev_[\w-]{22}$/) });
const Since = z.strictObject({ since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0) });

/**
 * Phone keys at /t/<slug>/access/v1: a person's app registers, lists and revokes the person's devices and gets
 * door keys for them (a user's token with access:devices); locks fetch the revocation list (access:decide).
 */
export function devicesRoutes(router: Router, deps: DevicesRoutesDeps): void {
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '16kb', encoding: 'utf-8' });
  const runtimeOf = (ctx: Context) => {
    const runtime = ctx.state.runtime as TenantRuntime;
    return { runtime, tenantId: runtime.tenant._id, issuer: issuerFor(deps.publicUrl, runtime.tenant.slug) };
  };
  const asUser = <T>(ctx: Context, userId: string, fn: () => Promise<T>) => runWithContext({ actor: { type: 'user', id: userId }, requestId: ctx.state.requestId, ip: ctx.ip }, fn);

  router.post('/access/v1/devices', json, async (ctx) => {
    const { runtime, tenantId, issuer } = runtimeOf(ctx);
    const { userId } = await authenticateDeviceUser(ctx, runtime, issuer);
    // A suspended tenant's people open no doors, so their phones get nothing to carry.
    if (runtime.tenant.state !== 'active') throw new ForbiddenError('This tenant is suspended');
    const body = validate(RegisterBody, ctx.request.body, 'body');
    const device = await asUser(ctx, userId, () => deps.devices.register(tenantId, userId, body));
    ctx.status = 201;
    ctx.body = toDeviceView(device);
  });

  router.get('/access/v1/devices', async (ctx) => {
    const { runtime, tenantId, issuer } = runtimeOf(ctx);
    const { userId } = await authenticateDeviceUser(ctx, runtime, issuer);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { items: (await deps.devices.list(tenantId, userId)).map(toDeviceView) };
  });

  router.delete('/access/v1/devices/:id', async (ctx) => {
    const { runtime, tenantId, issuer } = runtimeOf(ctx);
    const { userId } = await authenticateDeviceUser(ctx, runtime, issuer);
    const id = validate(DeviceParams, ctx.params, 'params').id;
    await asUser(ctx, userId, () => deps.devices.revoke(tenantId, userId, id));
    ctx.status = 204;
  });

  router.post('/access/v1/devices/:id/door-key', async (ctx) => {
    const { runtime, tenantId, issuer } = runtimeOf(ctx);
    const { userId, token } = await authenticateDeviceUser(ctx, runtime, issuer);
    const device = await deps.devices.ofUser(tenantId, userId, validate(DeviceParams, ctx.params, 'params').id);
    const url = `${issuer}/access/v1/devices/${device._id}/door-key`;
    await checkDeviceProof(ctx.get('dpop') || undefined, { deviceId: device._id, jkt: device.jkt, method: 'POST', url, accessToken: token }, deps.proofReplays);
    const { jwt, doors, expiresIn } = await deps.doorKeys.issue(runtime.tenant, issuer, device);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { door_key: jwt, expires_in: expiresIn, doors };
  });

  router.get('/access/v1/revocations', async (ctx) => {
    const { runtime, issuer } = runtimeOf(ctx);
    await authenticateLock(ctx, runtime, issuer, deps.locks, 'access:decide');
    const { since } = validate(Since, ctx.query, 'query');
    const list = await deps.revocations.listSince(runtime.tenant, issuer, since);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { revocation_list: list.jwt, version: list.version };
  });
}

export function toDeviceView(d: DeviceDoc) {
  return { id: d._id, label: d.label, jkt: d.jkt, created_at: d.createdAt.toISOString(), revoked_at: d.revokedAt?.toISOString() ?? null };
}
