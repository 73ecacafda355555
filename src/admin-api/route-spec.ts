import type { Context } from 'koa';
import type { z } from 'zod';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { Principal } from './principal.js';

/** `scim_provisioner` opens no admin route: it lets a service account provision through SCIM (src/scim). */
export type TenantRole = 'tenant_admin' | 'user_manager' | 'auditor' | 'scim_provisioner';
export const TENANT_ROLES: readonly TenantRole[] = ['tenant_admin', 'user_manager', 'auditor', 'scim_provisioner'];

/**
 * Who may call a route. `platform` routes are for operators only. `tenant` routes live under
 * /tenants/{tenant} and admit that tenant's callers holding one of `roles`; `operator: true` also admits
 * platform operators there (tenant lifecycle, never the tenant's personal data).
 */
export type Access = { scope: 'platform' } | { scope: 'tenant'; roles: readonly TenantRole[]; operator?: boolean };

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  /** The tenant named in the path, or the caller's own tenant on platform routes; read fresh per request. */
  tenant: TenantDoc;
  ctx: Context;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  /** GDPR consequences of the action, shown to the admin who took it: in a JSON object body, and as headers. */
  warnings?: string[];
  headers?: Record<string, string>;
  /** A streamed body (exports); `body` is ignored when set. */
  stream?: { type: string; data: AsyncIterable<string> | NodeJS.ReadableStream; filename?: string };
}

/**
 * Where `warnings` travel: in a JSON object body, and always in this header, one per warning. The deprecated
 * HTTP `Warning` header (RFC 9111) is not reused; this one means only ours.
 */
export const WARNING_HEADER = 'Doorway-Warning';

export interface ResponseSpec {
  description: string;
  /** The JSON body. */
  schema?: z.ZodType;
  /** The route may give `warnings` with this answer: documented in the body's schema and as WARNING_HEADER. */
  warns?: boolean;
  /** A streamed body's media types (exports), instead of a JSON `schema`. */
  stream?: readonly string[];
}

/** One route: its validation schemas are also its OpenAPI description, so the two cannot disagree. */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style, relative to /admin/api/v1: `/tenants/{tenant}/users/{userId}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Every status the route itself may answer; openapi.ts adds the problems any route may answer. */
  responses: Record<number, ResponseSpec>;
  handler(input: RouteInput<P, Q, B>): Promise<RouteResult> | RouteResult;
}

/** Keeps the handler's input types tied to the schemas. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
