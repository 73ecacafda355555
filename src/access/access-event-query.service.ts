import type { QueryFilter } from 'mongoose';
import type { ChangeLogService } from '../audit/change-log.service.js';
import type { DoorModel } from '../doors/door.model.js';
import { NotFoundError } from '../errors/http-errors.js';
import type { AccessEventDoc, AccessEventModel, AccessResult } from './access-event.model.js';
import type { DeviceModel } from './device.model.js';

export interface AccessEventFilter {
  door?: string;
  user?: string;
  device?: string;
  lock?: string;
  result?: AccessResult;
  from?: Date;
  to?: Date;
}
/** An event as the admin API shows it: the door by its key. */
export type AccessEventRow = Omit<AccessEventDoc, 'doorId' | 'tenantId'> & { door: string };
export interface DailyCount { door: string; day: string; successful: number; unsuccessful: number }
export interface Opener { user_id: string | null; device_id: string | null; openings: number; first: Date; last: Date }

/** A person a query is about, with the ids of their devices (revoked ones too): events naming only one are theirs. */
interface Person { userId: string; devices: ReadonlySet<string> }
interface Scoped { query: QueryFilter<AccessEventDoc>; person?: Person }

/** Reads of access history name people; each read is in the change log, once per person it names. */
export type ReadAction = 'access_events.read' | 'access_events.exported';

const SUCCESS = new Set(['opened']);
const FAILURE = new Set(['denied', 'error']);

/**
 * The admin's view of access events: filtered, newest first, in cursor pages; counts per door and day; who
 * opened a door; exports. Every answer that names a person first writes a change-log entry about that person
 * (who looked at their history), so each person finds every look under their own id.
 */
export class AccessEventQueryService {
  constructor(
    private readonly events: AccessEventModel,
    private readonly doors: DoorModel,
    private readonly devices: DeviceModel,
    private readonly changeLog: ChangeLogService,
  ) {}

  async list(tenantId: string, filter: AccessEventFilter, page: { cursor?: string; limit: number }) {
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    const { query, person } = await this.scope(tenantId, filter);
    const cursorQuery = after ? { $or: [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }] } : undefined;
    const docs = await this.events.find(cursorQuery ? both(query, cursorQuery) : query).sort({ at: -1, _id: -1 }).limit(page.limit + 1).lean();
    const items = docs.slice(0, page.limit).map((d) => attributed(d, person));
    const last = items.at(-1);
    await this.noteRead(tenantId, items, 'access_events.read');
    const nextCursor = docs.length > page.limit && last ? Buffer.from(`${last.at.getTime()}.${last._id}`).toString('base64url') : null;
    const keys = await this.doorKeys(tenantId);
    return { items: items.map((d) => toRow(d, keys)), nextCursor };
  }

  /** Lock-reported attempts per door and UTC day: `opened` is successful, `denied` and `error` are not. */
  async dailyCounts(tenantId: string, filter: Pick<AccessEventFilter, 'door' | 'from' | 'to'>): Promise<DailyCount[]> {
    const query = { ...(await this.scope(tenantId, filter)).query, method: { $ne: 'decision' as const } };
    const counts = new Map<string, DailyCount>();
    const keys = await this.doorKeys(tenantId);
    for await (const e of this.events.find(query, { doorId: 1, at: 1, result: 1 }).lean().cursor()) {
      const door = keys.get(e.doorId) ?? e.doorId;
      const day = e.at.toISOString().slice(0, 10);
      const row = counts.get(`${door}\0${day}`) ?? { door, day, successful: 0, unsuccessful: 0 };
      if (SUCCESS.has(e.result)) row.successful += 1;
      if (FAILURE.has(e.result)) row.unsuccessful += 1;
      counts.set(`${door}\0${day}`, row);
    }
    return [...counts.values()].sort((a, b) => a.day.localeCompare(b.day) || a.door.localeCompare(b.door));
  }

  /**
   * Who opened `door` between two times: each person or device once, with how often and when first and last.
   * A device of a person counts as that person: their openings by card and by phone are one row.
   */
  async openers(tenantId: string, door: string, from: Date, to: Date): Promise<Opener[]> {
    const { query } = await this.scope(tenantId, { door, from, to });
    const byWho = new Map<string, Opener>();
    // Streamed: a busy door's range may hold many openings, the answer only one row per person.
    for await (const e of this.events.find({ ...query, result: 'opened' }, { subjectId: 1, deviceId: 1, at: 1 }).sort({ at: 1, _id: 1 }).lean().cursor()) {
      const key = e.subjectId ? `u:${e.subjectId}` : e.deviceId ? `d:${e.deviceId}` : 'none';
      const o = byWho.get(key) ?? { user_id: e.subjectId, device_id: e.subjectId ? null : (e.deviceId ?? null), openings: 0, first: e.at, last: e.at };
      o.openings += 1;
      o.last = e.at;
      byWho.set(key, o);
    }
    const openers = await this.ownersMerged(tenantId, byWho);
    for (const o of openers) {
      const subject = o.user_id ? { subjectType: 'user', subjectId: o.user_id } : o.device_id ? { subjectType: 'device', subjectId: o.device_id } : null;
      if (subject) await this.changeLog.append(tenantId, { action: 'access_events.read', ...subject, fields: ['access_events'], counts: { access_events: o.openings } });
    }
    return openers;
  }

  /**
   * Oldest first, streamed. Each person (or device) the export names gets its entry before anything is sent:
   * here, while the request's actor is known, not while the stream is read.
   */
  async export(tenantId: string, filter: AccessEventFilter): Promise<AsyncIterable<AccessEventRow>> {
    const { query, person } = await this.scope(tenantId, filter);
    // A person's export names them alone: their devices' events are theirs.
    const users = person
      ? (await this.events.exists(query)) ? [person.userId] : []
      : (await this.events.distinct('subjectId', query)).filter((u): u is string => typeof u === 'string');
    const devices = person ? [] : (await this.events.distinct('deviceId', { ...query, subjectId: null })).filter((d): d is string => typeof d === 'string');
    for (const subjectId of users) await this.changeLog.append(tenantId, { action: 'access_events.exported', subjectType: 'user', subjectId, fields: ['access_events'] });
    for (const subjectId of devices) await this.changeLog.append(tenantId, { action: 'access_events.exported', subjectType: 'device', subjectId, fields: ['access_events'] });
    const keys = await this.doorKeys(tenantId);
    const cursor = this.events.find(query).sort({ at: 1, _id: 1 }).lean().cursor();
    return (async function* () {
      for await (const e of cursor) yield toRow(attributed(e, person), keys);
    })();
  }

  private async noteRead(tenantId: string, docs: AccessEventDoc[], action: ReadAction): Promise<void> {
    const per = new Map<string, { doc: AccessEventDoc; n: number }>();
    for (const d of docs) {
      const who = d.subjectId ?? d.deviceId;
      if (who) per.set(who, { doc: d, n: (per.get(who)?.n ?? 0) + 1 });
    }
    for (const { doc, n } of per.values()) await this.changeLog.append(tenantId, entry(doc, action, n));
  }

  /**
   * The events query for a filter. For a person, their devices are read first (one query) and the events are
   * theirs by user id or by one of those devices (one query with `$in`, never one per device). An erasure
   * deletes the devices and clears the pseudonym from the events, so nothing found here leads back to an
   * erased person.
   */
  private async scope(tenantId: string, f: AccessEventFilter): Promise<Scoped> {
    const q: QueryFilter<AccessEventDoc> = { tenantId };
    let person: Person | undefined;
    if (f.door) {
      const door = await this.doors.findOne({ tenantId, key: f.door }, { _id: 1 }).lean();
      if (!door) throw new NotFoundError('Door');
      q.doorId = door._id;
    }
    if (f.user) {
      const devices = (await this.devices.find({ tenantId, userId: f.user }, { _id: 1 }).lean()).map((d) => d._id);
      person = { userId: f.user, devices: new Set(devices) };
      if (devices.length === 0) q.subjectId = f.user;
      else q.$or = [{ subjectId: f.user }, { subjectId: null, deviceId: { $in: devices } }];
    }
    if (f.device) q.deviceId = f.device;
    if (f.lock) q.lockId = f.lock;
    if (f.result) q.result = f.result;
    if (f.from || f.to) q.at = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
    return { query: q, person };
  }

  /** Openers by a device of a person folded into that person's row: one query for all the devices named. */
  private async ownersMerged(tenantId: string, byWho: Map<string, Opener>): Promise<Opener[]> {
    const deviceIds = [...byWho.values()].flatMap((o) => (o.device_id ? [o.device_id] : []));
    if (deviceIds.length === 0) return [...byWho.values()];
    const owners = new Map((await this.devices.find({ tenantId, _id: { $in: deviceIds } }, { userId: 1 }).lean()).map((d) => [d._id, d.userId]));
    const merged = new Map<string, Opener>();
    for (const o of byWho.values()) {
      const owner = o.device_id ? owners.get(o.device_id) : undefined;
      const key = owner ? `u:${owner}` : o.user_id ? `u:${o.user_id}` : `d:${o.device_id}`;
      const into = merged.get(key);
      if (!into) merged.set(key, owner ? { ...o, user_id: owner, device_id: null } : o);
      else merged.set(key, { ...into, openings: into.openings + o.openings, first: o.first < into.first ? o.first : into.first, last: o.last > into.last ? o.last : into.last });
    }
    return [...merged.values()].sort((a, b) => a.first.getTime() - b.first.getTime());
  }

  private async doorKeys(tenantId: string): Promise<Map<string, string>> {
    return new Map((await this.doors.find({ tenantId }, { key: 1 }).lean()).map((d) => [d._id, d.key]));
  }
}

/** An event naming only a device of the person asked about is theirs: shown and logged under their id. */
function attributed(e: AccessEventDoc, person: Person | undefined): AccessEventDoc {
  return person && !e.subjectId && e.deviceId && person.devices.has(e.deviceId) ? { ...e, subjectId: person.userId } : e;
}

/** Both conditions, where each may hold its own `$or` (the tenant stays at the top, as the tenant scope wants). */
function both(query: QueryFilter<AccessEventDoc>, extra: QueryFilter<AccessEventDoc>): QueryFilter<AccessEventDoc> {
  if (!query.$or) return { ...query, ...extra };
  const { $or, ...rest } = query;
  return { ...rest, $and: [{ $or }, extra] };
}

function entry(e: AccessEventDoc, action: ReadAction, n?: number) {
  const subject = e.subjectId ? { subjectType: 'user', subjectId: e.subjectId } : { subjectType: 'device', subjectId: String(e.deviceId) };
  return { action, ...subject, fields: ['access_events'], ...(n ? { counts: { access_events: n } } : {}) };
}

function toRow(e: AccessEventDoc, keys: Map<string, string>): AccessEventRow {
  const { doorId, tenantId: _t, ...rest } = e;
  return { ...rest, door: keys.get(doorId) ?? doorId };
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(/\.(.*)/s);
  const when = new Date(Number(at));
  return { at: Number.isNaN(when.getTime()) ? new Date(0) : when, id: id ?? '' };
}
