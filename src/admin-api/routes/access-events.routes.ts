import { z } from 'zod';
import { ACCESS_METHODS, ACCESS_RESULTS } from '../../access/access-event.model.js';
import type { AccessEventFilter, AccessEventRow } from '../../access/access-event-query.service.js';
import { csvLine } from '../../audit/change-log-export.js';
import type { Services } from '../../services.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Page, TenantParams, Timestamp } from '../schemas.js';
import { DoorKey } from './doors.routes.js';

const Filter = z.object({
  door: DoorKey.optional(),
  user: z.string().min(1).max(128).optional().describe("a user's id: that person's history"),
  device: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/).optional(),
  lock: z.string().min(1).max(128).optional(),
  result: z.enum(ACCESS_RESULTS).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional().describe('exclusive'),
});
const ListQuery = Page.extend(Filter.shape);
const ExportQuery = Filter.extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') });
const Range = z.object({ from: Timestamp, to: Timestamp }).refine((r) => r.from < r.to && r.to.getTime() - r.from.getTime() <= 366 * 86_400_000, { message: 'from must be before to, at most 366 days apart', path: ['to'] });
const CountsQuery = Range.and(z.object({ door: DoorKey.optional() }));
const OpenersQuery = Range.and(z.object({ door: DoorKey }));

const EventView = z.object({
  id: z.string(),
  event_id: z.string().nullable().describe("the lock's own id of an uploaded event; null for a decision"),
  lock_id: z.string(),
  door: z.string(),
  user_id: z.string().nullable().describe('null: no user of the tenant, a device, or unlinked by erasure or anonymization'),
  device_id: z.string().nullable(),
  time: z.string(),
  result: z.enum(ACCESS_RESULTS),
  reason: z.string().nullable(),
  method: z.enum(ACCESS_METHODS),
  received_at: z.string(),
});
const DailyCountView = z.object({ door: z.string(), day: z.string().describe('UTC date'), successful: z.number(), unsuccessful: z.number() });
const OpenerView = z.object({ user_id: z.string().nullable(), device_id: z.string().nullable(), openings: z.number(), first: z.string(), last: z.string() });

/** Access history is about people's movements: the tenant admin and the auditor read it, and each read is logged. */
const READERS = ['tenant_admin', 'auditor'] as const;

/** Streamed, so said in a header (Doorway-Warning): each line places a person at a door at a time. */
export const ACCESS_EVENT_EXPORT_WARNING =
  'This export holds personal data: who came through which door and when, by user id or device. Keep it as safe as the system itself, use it only for the purpose the controller set, and delete copies once that purpose is met. Each person named in it has a change-log entry for this export.';

function toView(e: AccessEventRow): z.infer<typeof EventView> {
  return { id: e._id, event_id: e.eventId ?? null, lock_id: e.lockId, door: e.door, user_id: e.subjectId, device_id: e.deviceId ?? null, time: e.at.toISOString(), result: e.result, reason: e.reason, method: e.method, received_at: e.createdAt.toISOString() };
}
const filterOf = (q: z.infer<typeof Filter>): AccessEventFilter => q;
const COLUMNS = ['id', 'event_id', 'lock_id', 'door', 'user_id', 'device_id', 'time', 'result', 'reason', 'method', 'received_at'] as const;

/**
 * CSV starts with its header. NDJSON starts with `{"export": {at, filter}}` (what the file holds, and as of
 * when) and ends with `{"complete": {"events": n}}`, so a file cut short in transfer is told from an export
 * that had fewer events.
 */
async function* lines(rows: AsyncIterable<AccessEventRow>, format: 'ndjson' | 'csv', filter: object): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine(COLUMNS);
  else yield `${JSON.stringify({ export: { at: new Date().toISOString(), filter } })}\n`;
  let events = 0;
  for await (const row of rows) {
    const view = toView(row);
    events += 1;
    yield format === 'csv' ? csvLine(COLUMNS.map((c) => String(view[c] ?? ''))) : `${JSON.stringify(view)}\n`;
  }
  if (format === 'ndjson') yield `${JSON.stringify({ complete: { events } })}\n`;
}

export function accessEventRoutes(services: Services): RouteSpec[] {
  const route = { tag: 'access-events', access: { scope: 'tenant', roles: READERS } } as const;
  return [
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof ListQuery>>({
      ...route,
      method: 'get',
      path: '/tenants/{tenant}/access-events',
      operationId: 'listAccessEvents',
      summary: 'Access events, newest first, by door, user, device, lock, result and time; each person named gets a change-log entry (access_events.read)',
      params: TenantParams,
      query: ListQuery,
      responses: { 200: { description: 'A page of events', schema: z.object({ items: z.array(EventView), next_cursor: z.string().nullable() }) } },
      handler: async ({ tenant, query }) => {
        const { cursor, limit, ...filter } = query;
        const page = await services.accessEventQuery.list(tenant._id, filterOf(filter), { cursor, limit });
        return { headers: { 'cache-control': 'no-store' }, body: { items: page.items.map(toView), next_cursor: page.nextCursor } };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof CountsQuery>>({
      ...route,
      method: 'get',
      path: '/tenants/{tenant}/access-events/daily-counts',
      operationId: 'accessEventDailyCounts',
      summary: 'Successful (opened) and unsuccessful (denied, error) attempts reported by locks, per door and UTC day; names no one',
      params: TenantParams,
      query: CountsQuery,
      responses: { 200: { description: 'Counts', schema: z.object({ items: z.array(DailyCountView) }) } },
      handler: async ({ tenant, query }) => ({ body: { items: await services.accessEventQuery.dailyCounts(tenant._id, query) } }),
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof OpenersQuery>>({
      ...route,
      method: 'get',
      path: '/tenants/{tenant}/access-events/openers',
      operationId: 'accessEventOpeners',
      summary: 'Who opened a door between two times; each person named gets a change-log entry (access_events.read)',
      params: TenantParams,
      query: OpenersQuery,
      responses: { 200: { description: 'Each person or device once', schema: z.object({ items: z.array(OpenerView) }) } },
      handler: async ({ tenant, query }) => {
        const items = await services.accessEventQuery.openers(tenant._id, query.door, query.from, query.to);
        return { headers: { 'cache-control': 'no-store' }, body: { items: items.map((o) => ({ ...o, first: o.first.toISOString(), last: o.last.toISOString() })) } };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>, z.infer<typeof ExportQuery>>({
      ...route,
      method: 'get',
      path: '/tenants/{tenant}/access-events/export',
      operationId: 'exportAccessEvents',
      summary: 'Export events as NDJSON or CSV, oldest first, streamed; the Doorway-Warning header says it holds personal data; each person named gets a change-log entry (access_events.exported)',
      params: TenantParams,
      query: ExportQuery,
      responses: { 200: { description: 'NDJSON or CSV, with a `Doorway-Warning` header', stream: ['application/x-ndjson', 'text/csv'], warns: true } },
      handler: async ({ tenant, query }) => {
        const { format, ...filter } = query;
        const rows = await services.accessEventQuery.export(tenant._id, filterOf(filter));
        return {
          warnings: [ACCESS_EVENT_EXPORT_WARNING],
          headers: { 'cache-control': 'no-store' },
          stream: { type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson', filename: `access-events-${tenant.slug}.${format}`, data: lines(rows, format, filter) },
        };
      },
    }),
  ];
}
