import type { JWK } from 'jose';
import type { ClientService } from '../clients/client.service.js';
import { newId } from '../db/ids.js';
import type { DoorDoc, DoorModel } from '../doors/door.model.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/http-errors.js';
import { LOCK_CLIENT_PROPERTY } from './access-audience.js';
import type { LockDoc, LockModel } from './lock.model.js';
import type { LockStatusDoc, LockStatusReportModel } from './lock-status.model.js';
import { STATUS_HISTORY_SIZE } from './lock-status.model.js';
import { checkLockKey } from './lock-key.js';

export interface LockInput {
  name: string;
  doors: string[];
  model?: string | null;
  firmwareVersion?: string | null;
}

export interface StatusReport {
  battery?: number | null;
  firmwareVersion?: string | null;
  errorCodes?: string[];
  reportedAt?: Date;
}

/** A lock with the keys of the doors it serves, which is how doors are named outside. */
export type LockView = LockDoc & { doors: string[] };

/**
 * Locks of a tenant. Creating one registers its OAuth client (private_key_jwt with the public key it sent);
 * retiring one deletes that client and ends the tokens it holds. A retired lock stays readable, changes no more.
 */
export class LockService {
  constructor(
    private readonly locks: LockModel,
    private readonly reports: LockStatusReportModel,
    private readonly doors: DoorModel,
    private readonly clients: ClientService,
  ) {}

  async create(tenantId: string, input: LockInput & { jwk: Record<string, unknown> }): Promise<LockView> {
    const key = await checkLockKey(input.jwk);
    const doorIds = await this.doorIdsOf(tenantId, input.doors);
    const _id = newId('lck');
    const { clientId } = await this.clients.create(tenantId, lockClient(_id, input.name, key));
    try {
      const [doc] = await this.locks.insertMany([{ _id, tenantId, name: input.name, doorIds, model: input.model ?? null, firmwareVersion: input.firmwareVersion ?? null, clientId }]);
      return { ...doc!.toObject(), doors: [...input.doors] };
    } catch (err) {
      await this.clients.delete(tenantId, clientId, { asLock: true });
      throw err;
    }
  }

  async list(tenantId: string, query: { includeRetired?: boolean; cursor?: string; limit: number }): Promise<{ items: LockView[]; nextCursor: string | null }> {
    const filter: Record<string, unknown> = { tenantId };
    if (!query.includeRetired) filter.retiredAt = null;
    if (query.cursor) filter._id = { $gt: Buffer.from(query.cursor, 'base64url').toString('utf8') };
    const docs: LockDoc[] = await this.locks.find(filter).sort({ _id: 1 }).limit(query.limit + 1).lean();
    const page = docs.slice(0, query.limit);
    const more = docs.length > query.limit;
    return { items: await this.withDoorKeys(tenantId, page), nextCursor: more ? Buffer.from(page[page.length - 1]!._id).toString('base64url') : null };
  }

  async get(tenantId: string, id: string): Promise<LockView> {
    const doc = await this.locks.findOne({ tenantId, _id: id }).lean();
    if (!doc) throw new NotFoundError('Lock');
    return (await this.withDoorKeys(tenantId, [doc]))[0]!;
  }

  /** The lock a client speaks for, while it is not retired. */
  async byClient(tenantId: string, clientId: string): Promise<LockDoc | null> {
    return this.locks.findOne({ tenantId, clientId, retiredAt: null }).lean();
  }

  async update(tenantId: string, id: string, input: Partial<LockInput>): Promise<LockView> {
    const set: Record<string, unknown> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.doors !== undefined) set.doorIds = await this.doorIdsOf(tenantId, input.doors);
    if (input.model !== undefined) set.model = input.model;
    if (input.firmwareVersion !== undefined) set.firmwareVersion = input.firmwareVersion;
    const doc = await this.locks.findOneAndUpdate({ tenantId, _id: id, retiredAt: null }, { $set: set }, { returnDocument: 'after' }).lean();
    if (!doc) {
      await this.get(tenantId, id);
      throw new ConflictError('The lock is retired and changes no more');
    }
    return (await this.withDoorKeys(tenantId, [doc]))[0]!;
  }

  /** Stamps the lock retired first (it answers nothing from then on), then deletes its client and its tokens. */
  async retire(tenantId: string, id: string): Promise<LockView> {
    const doc = await this.locks.findOneAndUpdate({ tenantId, _id: id, retiredAt: null }, { $set: { retiredAt: new Date() } }, { returnDocument: 'after' }).lean();
    if (!doc) {
      await this.get(tenantId, id);
      throw new ConflictError('The lock is already retired');
    }
    await this.clients.delete(tenantId, doc.clientId, { asLock: true });
    return (await this.withDoorKeys(tenantId, [doc]))[0]!;
  }

  /** Keeps the report as the lock's status and in its history, which keeps the last STATUS_HISTORY_SIZE. */
  async reportStatus(tenantId: string, lock: LockDoc, report: StatusReport): Promise<LockStatusDoc> {
    const receivedAt = new Date();
    const status = {
      battery: report.battery ?? null,
      firmwareVersion: report.firmwareVersion ?? null,
      errorCodes: report.errorCodes ?? [],
      reportedAt: report.reportedAt ?? receivedAt,
      receivedAt,
    };
    const [saved] = await this.reports.insertMany([{ _id: newId('lst'), tenantId, lockId: lock._id, ...status }]);
    const firmware = status.firmwareVersion ? { firmwareVersion: status.firmwareVersion } : {};
    await this.locks.updateOne({ tenantId, _id: lock._id }, { $set: { status, ...firmware } });
    const beyond = await this.reports.find({ tenantId, lockId: lock._id }, { _id: 1 }).sort({ receivedAt: -1, _id: -1 }).skip(STATUS_HISTORY_SIZE).lean();
    if (beyond.length) await this.reports.deleteMany({ tenantId, _id: { $in: beyond.map((r) => r._id) } });
    return saved!.toObject();
  }

  /** The lock's kept status reports, newest first. */
  async statusHistory(tenantId: string, id: string, limit: number): Promise<LockStatusDoc[]> {
    await this.get(tenantId, id);
    return this.reports.find({ tenantId, lockId: id }).sort({ receivedAt: -1, _id: -1 }).limit(limit).lean();
  }

  /** The ids of the tenant's doors named by key; an unknown or archived door is refused, naming it. */
  private async doorIdsOf(tenantId: string, keys: string[]): Promise<string[]> {
    const unique = [...new Set(keys)];
    const found: DoorDoc[] = unique.length ? await this.doors.find({ tenantId, key: { $in: unique }, archivedAt: null }).lean() : [];
    const missing = unique.filter((k) => !found.some((d) => d.key === k));
    if (missing.length) throw new ValidationError([{ field: 'doors', message: `no such door (or archived): ${missing.join(', ')}` }]);
    return unique.map((k) => found.find((d) => d.key === k)!._id);
  }

  private async withDoorKeys(tenantId: string, docs: LockDoc[]): Promise<LockView[]> {
    const ids = [...new Set(docs.flatMap((d) => d.doorIds))];
    const found: DoorDoc[] = ids.length ? await this.doors.find({ tenantId, _id: { $in: ids } }).lean() : [];
    const keyOf = new Map(found.map((d) => [d._id, d.key]));
    return docs.map((d) => ({ ...d, doors: d.doorIds.map((id) => keyOf.get(id) ?? id) }));
  }
}

/** The lock's OAuth client: client credentials only, authenticated by a JWT signed with the lock's own key. */
function lockClient(lockId: string, name: string, jwk: JWK) {
  return {
    client_name: name,
    redirect_uris: [],
    grant_types: ['client_credentials'],
    response_types: [],
    token_endpoint_auth_method: 'private_key_jwt' as const,
    jwks: { keys: [jwk] },
    service_roles: [],
    [LOCK_CLIENT_PROPERTY]: lockId,
  };
}
