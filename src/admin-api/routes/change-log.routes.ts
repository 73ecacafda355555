import { z } from 'zod';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Page, TenantParams, Timestamp } from '../schemas.js';

const Filter = z.object({
  subject: z.string().max(128).optional(),
  actor: z.string().max(200).optional(),
  action: z.string().max(96).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
});
const ListQuery = Page.extend(Filter.shape);
const ExportQuery = Filter.extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') });
const Entry = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subject_type: z.string(),
  subject_id: z.string(),
  fields: z.array(z.string()),
  /** On entries about many records at once (copies: backups, restores, staging copies): how many of each. */
  counts: z.record(z.string(), z.number()).optional(),
  request_id: z.string().optional(),
  /** The caller's address as a keyed hash: equal for entries from one address, the address itself never stored. */
  ip_hash: z.string().optional(),
  /** Only on entries written before addresses were hashed. */
  ip: z.string().optional(),
  hash: z.string(),
});
/**
 * The chain's state: intact, or where it first stops continuing (later entries are not checked). `truncated`
 * and `rewritten` come from comparing it with the newest checkpoint kept outside the database.
 */
const Verification = z.object({
  ok: z.boolean(),
  checked: z.number(),
  first_broken: z
    .object({
      seq: z.number(),
      id: z.string().nullable().describe('null for a truncation: the entry is gone'),
      reason: z.enum(['hash-mismatch', 'prev-hash-mismatch', 'gap', 'truncated', 'rewritten']),
    })
    .nullable(),
  checkpoint: z.object({ seq: z.number(), at: z.string() }).nullable().describe('The outside checkpoint the chain was compared with'),
});
const READERS = ['tenant_admin', 'auditor'] as const;

/** Streamed, so said in a header (see WARNING_HEADER): the entries name people, their admins and their requests. */
export const CHANGE_LOG_EXPORT_WARNING =
  "This export holds personal data: who changed whose data and when, by the ids of the people and of the admins who acted, with their requests' provenance. Keep it as safe as the log itself, give it only to whom the controller instructs, and delete copies once their purpose is met.";

function filterOf(q: z.infer<typeof Filter>) {
  return { subjectId: q.subject, actor: q.actor, action: q.action, from: q.from, to: q.to };
}

/** The personal-data change log as tenants read it: filtered, paged, exported, verified. */
export function changeLogRoutes(services: Services): RouteSpec[] {
  return [
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof ListQuery>>({
      method: 'get',
      path: '/tenants/{tenant}/change-log',
      operationId: 'listChangeLog',
      summary: 'Entries, newest first, filtered by subject, actor, action and time range',
      tag: 'change-log',
      access: { scope: 'tenant', roles: READERS },
      params: TenantParams,
      query: ListQuery,
      responses: { 200: { description: 'A page of entries', schema: z.object({ items: z.array(Entry), next_cursor: z.string().nullable() }) } },
      handler: async ({ tenant, query }) => {
        const page = await services.changeLog.list(tenant._id, filterOf(query), { cursor: query.cursor, limit: query.limit });
        return {
          body: {
            items: page.items.map((e) => ({
              seq: e.seq,
              at: e.at.toISOString(),
              actor: e.actor,
              action: e.action,
              subject_type: e.subjectType,
              subject_id: e.subjectId,
              fields: e.fields,
              counts: e.counts,
              request_id: e.requestId,
              ip_hash: e.ipHash,
              ip: e.ip,
              hash: e.hash,
            })),
            next_cursor: page.nextCursor ?? null,
          },
        };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof ExportQuery>>({
      method: 'get',
      path: '/tenants/{tenant}/change-log/export',
      operationId: 'exportChangeLog',
      summary: 'Export entries as NDJSON or CSV, streamed, ending with a signed checkpoint of the chain; the Doorway-Warning header says it holds personal data',
      tag: 'change-log',
      access: { scope: 'tenant', roles: READERS },
      params: TenantParams,
      query: ExportQuery,
      responses: { 200: { description: 'NDJSON or CSV, with a `Doorway-Warning` header', stream: ['application/x-ndjson', 'text/csv'], warns: true } },
      handler: ({ tenant, query }) => ({
        warnings: [CHANGE_LOG_EXPORT_WARNING],
        headers: { 'cache-control': 'no-store' },
        stream: {
          type: query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
          filename: `change-log-${tenant.slug}.${query.format === 'csv' ? 'csv' : 'ndjson'}`,
          data: services.changeLog.export(tenant._id, filterOf(query), query.format),
        },
      }),
    }),
    defineRoute<z.infer<typeof TenantParams>>({
      method: 'get',
      path: '/tenants/{tenant}/change-log/verify',
      operationId: 'verifyChangeLog',
      summary: 'Verify the hash chain, and against the newest checkpoint outside the database; names the first broken link',
      tag: 'change-log',
      access: { scope: 'tenant', roles: READERS },
      params: TenantParams,
      responses: { 200: { description: 'Verification result', schema: Verification } },
      handler: async ({ tenant }) => {
        const result = await services.changeLog.verify(tenant._id);
        const broken = result.firstBroken && { ...result.firstBroken, id: result.firstBroken.id ?? null };
        return { body: { ok: result.ok, checked: result.checked, first_broken: broken ?? null, checkpoint: result.checkpoint ?? null } };
      },
    }),
  ];
}
