import { calculateJwkThumbprint, type JWK } from 'jose';
import type { ChangeLogService } from '../audit/change-log.service.js';
import type { MasterKey } from '../crypto/master-key.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/http-errors.js';
import { deviceIdOf } from './device-id.js';
import type { DeviceDoc, DeviceModel } from './device.model.js';
import { checkLockKey } from './lock-key.js';
import type { RevocationListService } from './revocation-list.service.js';

/** A user registers at most this many devices: a phone or two, not a fleet. */
export const MAX_DEVICES_PER_USER = 10;

/**
 * Users' phones: registered with a public key (EC P-256, for ES256 proofs) and a label, listed, revoked.
 * Registration and revocation are changes to the user's personal data, each with its change-log entry;
 * a revocation also enters the tenant's revocation list, so locks deciding offline learn of it.
 */
export class DeviceService {
  constructor(
    private readonly devices: DeviceModel,
    private readonly masterKey: MasterKey,
    private readonly changeLog: ChangeLogService,
    private readonly revocations: RevocationListService,
  ) {}

  async register(tenantId: string, userId: string, input: { label: string; jwk: Record<string, unknown> }): Promise<DeviceDoc> {
    // The proofs a lock checks are ES256 (RFC 9449 keeps to one algorithm per key): no other key type is taken.
    if (input.jwk.kty !== 'EC') throw new ValidationError([{ field: 'body.jwk', message: 'must be an EC P-256 public key' }]);
    const jwk = await checkLockKey(input.jwk).catch((err: unknown) => {
      throw err instanceof ValidationError ? new ValidationError(err.issues.map((f) => ({ ...f, field: 'body.jwk' }))) : err;
    });
    const { kid: _, ...publicJwk } = jwk;
    const jkt = await calculateJwkThumbprint(publicJwk as JWK, 'sha256');
    const _id = deviceIdOf(this.masterKey, tenantId, jkt);
    if (await this.devices.exists({ tenantId, _id })) throw new ConflictError('This device key is already registered');
    if ((await this.devices.countDocuments({ tenantId, userId, revokedAt: null })) >= MAX_DEVICES_PER_USER) {
      throw new ConflictError(`A user may have at most ${MAX_DEVICES_PER_USER} devices; revoke one first`);
    }
    const doc = { _id, tenantId, userId, label: input.label, publicJwk, jkt, revokedAt: null };
    const change = { action: 'device.registered', subjectType: 'user', subjectId: userId, fields: ['devices'] };
    return this.changeLog.record(tenantId, change, async () => (await this.devices.insertMany([doc]))[0]!.toObject());
  }

  list(tenantId: string, userId: string): Promise<DeviceDoc[]> {
    return this.devices.find({ tenantId, userId }).sort({ createdAt: 1, _id: 1 }).lean();
  }

  /** A device of this tenant by id, whoever it belongs to; null when there is none. */
  byId(tenantId: string, id: string): Promise<DeviceDoc | null> {
    return this.devices.findOne({ tenantId, _id: id }).lean();
  }

  /** The tenant's devices among these ids, in one query (another tenant's never: their ids are unrelated anyway). */
  byIds(tenantId: string, ids: readonly string[]): Promise<Pick<DeviceDoc, '_id' | 'userId' | 'revokedAt'>[]> {
    return this.devices.find({ tenantId, _id: { $in: [...ids] } }, { userId: 1, revokedAt: 1 }).sort({ _id: 1 }).lean();
  }

  /** The user's device, or 404 alike for none and for another user's: ids of others' devices are not confirmed. */
  async ofUser(tenantId: string, userId: string, id: string): Promise<DeviceDoc> {
    const device = await this.devices.findOne({ tenantId, userId, _id: id }).lean();
    if (!device) throw new NotFoundError('No such device');
    return device;
  }

  async revoke(tenantId: string, userId: string, id: string): Promise<DeviceDoc> {
    const device = await this.ofUser(tenantId, userId, id);
    if (device.revokedAt) throw new ConflictError('The device is already revoked');
    const revokedAt = new Date();
    const change = { action: 'device.revoked', subjectType: 'user', subjectId: userId, fields: ['devices'] };
    await this.changeLog.record(tenantId, change, async () => {
      const { matchedCount } = await this.devices.updateOne({ tenantId, _id: id, revokedAt: null }, { $set: { revokedAt } });
      if (!matchedCount) throw new ConflictError('The device is already revoked');
    });
    await this.revocations.add(tenantId, 'device', id, revokedAt);
    return { ...device, revokedAt };
  }
}
