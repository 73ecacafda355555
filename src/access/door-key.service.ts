import { randomUUID } from 'node:crypto';
import type { DoorPermissionHistory } from '../doors/door-permission-history.js';
import { ForbiddenError } from '../errors/http-errors.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import type { TenantDoc, TenantSettings } from '../tenants/tenant.model.js';
import type { UserModel } from '../users/user.model.js';
import type { DeviceDoc } from './device.model.js';
import { signForLocks } from './tenant-signer.js';

/**
 * How long a door key opens doors, in seconds, per tenant: short, so a change of grants or a revocation
 * reaches even a lock that never syncs its revocation list. At least a minute (a phone fetching a key for
 * every door would be a key per opening), at most a day (a lock that never syncs honours a revoked grant that long).
 */
export const DOOR_KEY_TTL = { default: 600, min: 60, max: 86_400 } as const;

export function doorKeyTtlOf(settings: Pick<TenantSettings, 'doorKeyTtl'>): number {
  return settings.doorKeyTtl ?? DOOR_KEY_TTL.default;
}
export const DOOR_KEY_TYP = 'door-key+jwt';

export interface DoorKeyEntry {
  door_id: string;
  permission_id: string;
  valid_from: string | null;
  valid_until: string | null;
}

/**
 * Door keys: what a phone shows a lock that cannot ask. A JWT signed with the tenant's key, listing the doors
 * its user may open now and each grant's window (the one in-force rule, `heldAt`), bound to the phone's key
 * (`cnf.jkt`, RFC 7800): a copy is worthless without the private key that signs the lock's challenge.
 */
export class DoorKeyService {
  constructor(
    private readonly users: UserModel,
    private readonly history: DoorPermissionHistory,
    private readonly signingKeys: SigningKeyService,
  ) {}

  async issue(tenant: TenantDoc, issuer: string, device: DeviceDoc, at = new Date()): Promise<{ jwt: string; doors: DoorKeyEntry[]; expiresIn: number }> {
    if (tenant.state !== 'active') throw new ForbiddenError('This tenant is suspended');
    if (device.revokedAt) throw new ForbiddenError('This device is revoked');
    const user = await this.users.findOne({ tenantId: tenant._id, _id: device.userId, status: 'active' }, { roles: 1, createdAt: 1 }).lean();
    if (!user) throw new ForbiddenError('This user may not open doors');
    const { grants } = await this.history.heldAt(tenant._id, { id: user._id, roles: user.roles ?? [], createdAt: user.createdAt }, at);
    const doors = grants
      .map((g) => ({ door_id: g.door.key, permission_id: g._id, valid_from: g.validFrom?.toISOString() ?? null, valid_until: g.validUntil?.toISOString() ?? null }))
      .sort((a, b) => a.door_id.localeCompare(b.door_id) || a.permission_id.localeCompare(b.permission_id));
    const payload = { iss: issuer, sub: user._id, device_id: device._id, doors, cnf: { jkt: device.jkt }, jti: randomUUID() };
    const expiresIn = doorKeyTtlOf(tenant.settings);
    return { jwt: await signForLocks(this.signingKeys, tenant, DOOR_KEY_TYP, payload, expiresIn), doors, expiresIn };
  }
}
