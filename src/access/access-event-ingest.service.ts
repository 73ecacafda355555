import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChangeLogService } from '../audit/change-log.service.js';
import type { DatabaseCapabilities } from '../db/capabilities.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { DoorModel } from '../doors/door.model.js';
import type { UserModel } from '../users/user.model.js';
import type { AccessEventDoc, AccessEventModel } from './access-event.model.js';
import type { DeviceModel } from './device.model.js';
import type { LockDoc } from './lock.model.js';

export const MAX_EVENT_BATCH = 1000;
/** A lock offline for weeks still delivers its log; older than this it is refused as stale (or a wrong clock). */
export const MAX_EVENT_AGE_DAYS = 90;
/** Lock clocks drift: a little ahead of ours is accepted, more is a wrong clock. */
export const MAX_EVENT_SKEW_MS = 5 * 60_000;
const LOOKUPS_AT_ONCE = 25;

/** A device pseudonym is opaque, but narrow enough to be an id in the change log, never free text. */
const DeviceId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits and _.:- only, up to 128');
export const UploadedEvent = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits and _.:- only, up to 128'),
  door: z.string().min(1).max(64),
  subject: z.union([z.strictObject({ user_id: z.string().min(1).max(128) }), z.strictObject({ device_id: DeviceId })]).nullable().default(null),
  time: z.iso.datetime({ offset: true }).transform((v) => new Date(v)),
  result: z.enum(['opened', 'denied', 'error']),
  reason: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a code: letters, digits and _.:- only, up to 64').nullable().default(null),
  method: z.enum(['card', 'phone', 'pin', 'decision', 'remote']),
});

export interface RejectedEvent {
  index: number;
  event_id: string | null;
  errors: { field: string; message: string }[];
}
export interface UploadResult {
  accepted: number;
  duplicate: number;
  rejected: RejectedEvent[];
}

/**
 * Events a lock uploads from its own log: idempotent by the lock's event id (the stored id is derived from
 * tenant, lock and that id, so a retry or a repeat in a batch lands on the same document), accepted late and
 * out of order within MAX_EVENT_AGE_DAYS. Each item stands alone: a bad one is rejected with its index and
 * problems, the others are kept.
 */
export class AccessEventIngestService {
  /** Told of the events newly stored from an upload (webhook events, src/webhooks/access-webhook-events.ts). */
  onStored: ((tenantId: string, events: AccessEventDoc[]) => Promise<void>) | undefined;

  constructor(
    private readonly events: AccessEventModel,
    private readonly doors: DoorModel,
    private readonly users: UserModel,
    private readonly devices: DeviceModel,
    private readonly changeLog: ChangeLogService,
    private readonly capabilities: Pick<DatabaseCapabilities, 'idInIndexed'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async upload(tenantId: string, lock: LockDoc, items: readonly unknown[]): Promise<UploadResult> {
    const now = this.now().getTime();
    const doors = await this.doors.find({ tenantId, _id: { $in: lock.doorIds } }, { key: 1 }).lean();
    const doorOf = new Map(doors.map((d) => [d.key, d._id]));
    const rejected: RejectedEvent[] = [];
    const valid: { index: number; doc: AccessEventDoc; userId: string | null }[] = [];
    items.forEach((item, index) => {
      const eventId = typeof (item as { id?: unknown })?.id === 'string' ? String((item as { id: string }).id).slice(0, 128) : null;
      const parsed = UploadedEvent.safeParse(item);
      if (!parsed.success) {
        return void rejected.push({ index, event_id: eventId, errors: parsed.error.issues.map((i) => ({ field: ['events', index, ...i.path].join('.'), message: i.message })) });
      }
      const e = parsed.data;
      const field = (name: string, message: string) => rejected.push({ index, event_id: e.id, errors: [{ field: `events.${index}.${name}`, message }] });
      const doorId = doorOf.get(e.door);
      // One answer for a door of another lock and for no door at all, as for decisions.
      if (!doorId) return void field('door', 'is not a door this lock serves');
      if (e.time.getTime() < now - MAX_EVENT_AGE_DAYS * 86_400_000) return void field('time', `is more than ${MAX_EVENT_AGE_DAYS} days ago`);
      if (e.time.getTime() > now + MAX_EVENT_SKEW_MS) return void field('time', 'is more than 5 minutes in the future');
      const userId = e.subject && 'user_id' in e.subject ? e.subject.user_id : null;
      const deviceId = e.subject && 'device_id' in e.subject ? e.subject.device_id : null;
      const doc = { _id: eventDocId(tenantId, lock._id, e.id), tenantId, lockId: lock._id, doorId, subjectId: userId, deviceId, eventId: e.id, at: e.time, result: e.result, reason: e.reason, method: e.method };
      valid.push({ index, doc: doc as AccessEventDoc, userId });
    });
    const owners = await this.ownersOf(tenantId, valid.flatMap((v) => (v.doc.deviceId ? [v.doc.deviceId] : [])));
    const { linkable, restricted } = await this.statusOf(tenantId, [...valid.flatMap((v) => (v.userId ? [v.userId] : [])), ...owners.values()]);
    const unique = new Map<string, AccessEventDoc>();
    for (const { doc, userId } of valid) {
      // Only a user of this tenant is linked, and not one whose processing is restricted (as for decisions);
      // nor is the phone of a restricted person, whose pseudonym a history by person would lead back to them.
      const owner = doc.deviceId ? owners.get(doc.deviceId) : undefined;
      const deviceId = owner && restricted.has(owner) ? null : doc.deviceId;
      if (!unique.has(doc._id)) unique.set(doc._id, { ...doc, deviceId, subjectId: userId && linkable.has(userId) ? userId : null });
    }
    const known = await this.stored(tenantId, [...unique.keys()]);
    const fresh = [...unique.values()].filter((d) => !known.has(d._id));
    const inserted = await this.insert(tenantId, fresh);
    await this.onStored?.(tenantId, inserted);
    return { accepted: inserted.length, duplicate: valid.length - inserted.length, rejected };
  }

  /**
   * Which of these ids are stored already: one `$in` where the server answers it from the `_id` index; else
   * one equality lookup per id, a few at a time, since a FerretDB without our patch would read the tenant's
   * whole log per batch.
   */
  private async stored(tenantId: string, ids: string[]): Promise<Set<string>> {
    if (this.capabilities.idInIndexed) {
      const docs = await this.events.find({ tenantId, _id: { $in: ids } }, { _id: 1 }).lean();
      return new Set(docs.map((d) => d._id));
    }
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += LOOKUPS_AT_ONCE) {
      const chunk = ids.slice(i, i + LOOKUPS_AT_ONCE);
      const hits = await Promise.all(chunk.map((_id) => this.events.exists({ tenantId, _id })));
      chunk.forEach((id, n) => hits[n] && found.add(id));
    }
    return found;
  }

  /** Whose phones these pseudonyms are, of this tenant: one read, and none for a batch that names no phone. */
  private async ownersOf(tenantId: string, deviceIds: string[]): Promise<Map<string, string>> {
    if (deviceIds.length === 0) return new Map();
    const devices = await this.devices.find({ tenantId, _id: { $in: [...new Set(deviceIds)] } }, { userId: 1 }).lean();
    return new Map(devices.map((d) => [d._id, d.userId]));
  }

  /** Which of these are users of this tenant that may be linked, and which are restricted: one read. */
  private async statusOf(tenantId: string, userIds: string[]): Promise<{ linkable: Set<string>; restricted: Set<string> }> {
    if (userIds.length === 0) return { linkable: new Set(), restricted: new Set() };
    const users = await this.users.find({ tenantId, _id: { $in: [...new Set(userIds)] } }, { status: 1 }).lean();
    return {
      linkable: new Set(users.filter((u) => u.status !== 'restricted').map((u) => u._id)),
      restricted: new Set(users.filter((u) => u.status === 'restricted').map((u) => u._id)),
    };
  }

  /** Each person's entry before their events are stored (no change without its entry), one per person per batch. */
  private async insert(tenantId: string, docs: AccessEventDoc[]): Promise<AccessEventDoc[]> {
    if (docs.length === 0) return [];
    const perSubject = new Map<string, number>();
    for (const d of docs) if (d.subjectId) perSubject.set(d.subjectId, (perSubject.get(d.subjectId) ?? 0) + 1);
    const change = (subjectId: string, n: number, action = 'access_event.recorded') => ({ action, subjectType: 'user', subjectId, fields: ['access_events'], counts: { access_events: n } });
    await this.changeLog.appendMany(tenantId, [...perSubject].map(([subjectId, n]) => change(subjectId, n)));
    try {
      await this.events.insertMany(docs, { ordered: false });
      return docs;
    } catch (err) {
      // A concurrent retry of the same batch stored some first: those are duplicates, not failures (nor ours to tell).
      const writeErrors = (err as { writeErrors?: unknown[] }).writeErrors;
      if (isDuplicateKey(err) && Array.isArray(writeErrors) && writeErrors.every((w) => isDuplicateKey(w))) {
        const taken = new Set(writeErrors.map((w) => (w as { index?: number }).index));
        return docs.filter((_, i) => !taken.has(i));
      }
      await this.changeLog.appendMany(tenantId, [...perSubject].map(([subjectId, n]) => change(subjectId, n, 'access_event.recorded.failed'))).catch(() => undefined);
      throw err;
    }
  }
}

/** Same tenant, lock and event id: same document, so idempotency needs no second unique index. */
export function eventDocId(tenantId: string, lockId: string, eventId: string): string {
  return `aev_${createHash('sha256').update(`${tenantId}\0${lockId}\0${eventId}`).digest('base64url').slice(0, 32)}`;
}
