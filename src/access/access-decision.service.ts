import type { ChangeLogService } from '../audit/change-log.service.js';
import { newId } from '../db/ids.js';
import type { DoorDoc, DoorModel } from '../doors/door.model.js';
import type { DoorGrant, DoorPermissionHistory } from '../doors/door-permission-history.js';
import { inForce, windowOpen } from '../doors/door-permission.window.js';
import { ForbiddenError } from '../errors/http-errors.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { UserModel } from '../users/user.model.js';
import type { AccessEventDoc, AccessEventModel } from './access-event.model.js';
import type { LockDoc } from './lock.model.js';

/** What a decision reads of its door. */
type DecidedDoor = Pick<DoorDoc, '_id' | 'key' | 'archivedAt'>;

/** Why access is denied. `device_revoked`: the subject was a phone (device) its user or an admin revoked. */
export const DENIAL_REASONS = ['no_permission', 'outside_window', 'restricted', 'locked', 'tenant_suspended', 'door_archived', 'device_revoked'] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

export interface DecisionRequest {
  doorKey: string;
  /** The tenant's user id the lock names (or read from a user's access token it verified). */
  userId: string;
  /** The subject was a device, revoked by `at`. */
  deviceRevoked?: boolean;
  at: Date;
}

export interface Decision {
  result: 'granted' | 'denied';
  reason: DenialReason | null;
  door: string;
  /** The user decided about; null when the subject is no user of this tenant. */
  subject: string | null;
  at: Date;
  /** Until when the granting permission holds (null: open-ended); null when denied. */
  validUntil: Date | null;
  permission: { id: string; viaRole: string | null } | null;
}

/**
 * Access decisions for locks: whether a user may open a door at a time, by the same rule as the claims and
 * the history (`inForce`, through DoorPermissionHistory). Each decision is recorded as an access event.
 */
export class AccessDecisionService {
  /** Told of each decision once recorded (webhook events, src/webhooks/access-webhook-events.ts). */
  onDecided: ((tenantId: string, event: AccessEventDoc & { door: string; permissionId: string | null }) => Promise<void>) | undefined;

  constructor(
    private readonly users: UserModel,
    private readonly doors: DoorModel,
    private readonly history: DoorPermissionHistory,
    private readonly events: AccessEventModel,
    private readonly changeLog: ChangeLogService,
  ) {}

  async decide(tenant: TenantDoc, lock: LockDoc, request: DecisionRequest): Promise<Decision> {
    // Read, never kept: an archived door opens nothing from its archiving on, in every process.
    const door: DecidedDoor | null = await this.doors.findOne({ tenantId: tenant._id, key: request.doorKey }, { _id: 1, key: 1, archivedAt: 1 }).lean();
    // One answer for a door of another lock and for no door at all: a lock learns nothing of doors it does not serve.
    if (!door || !lock.doorIds.includes(door._id)) throw new ForbiddenError('This lock does not serve that door');
    const decision = await this.judge(tenant, door, request);
    await this.record(tenant._id, lock, door, decision);
    return decision;
  }

  private async judge(tenant: TenantDoc, door: DecidedDoor, { userId, at, deviceRevoked }: DecisionRequest): Promise<Decision> {
    const user = await this.users.findOne({ tenantId: tenant._id, _id: userId }, { roles: 1, status: 1, createdAt: 1 }).lean();
    const base = { door: door.key, subject: user ? user._id : null, at, validUntil: null, permission: null };
    const deny = (reason: DenialReason, subject = base.subject): Decision => ({ ...base, subject, result: 'denied', reason });
    if (tenant.state !== 'active') return deny('tenant_suspended');
    if (door.archivedAt && door.archivedAt <= at) return deny('door_archived');
    if (!user) return deny('no_permission');
    if (deviceRevoked) return deny('device_revoked');
    if (user.status === 'locked') return deny('locked');
    // A restricted person's data is only kept: neither their grants are read nor is the attempt tied to them.
    if (user.status === 'restricted') return deny('restricted', null);
    if (user.status !== 'active') return deny('no_permission');
    // The user, their status and roles are read for each decision, as are the grants: a revocation, a
    // restriction, an erasure refuses the next decision in every process.
    const onDoor = await this.history.grantsOn(tenant._id, { id: user._id, roles: user.roles ?? [], createdAt: user.createdAt }, door._id, at, { present: true });
    const granting = onDoor.filter((g) => inForce(g, door, at)).sort(longestFirst)[0];
    if (granting) {
      const viaRole = granting.holderType === 'role' ? granting.holderId : null;
      return { ...base, result: 'granted', reason: null, validUntil: granting.validUntil ?? null, permission: { id: granting._id, viaRole } };
    }
    // A grant that existed then, unrevoked, whose window did not hold `at`: the time was wrong, not the person.
    const existing = onDoor.filter((g) => g.grantedAt <= at && !(g.revokedAt && g.revokedAt <= at));
    return deny(existing.some((g) => !windowOpen(g, at)) ? 'outside_window' : 'no_permission');
  }

  /** The access event, with its change-log entry when it is about a person. */
  private async record(tenantId: string, lock: LockDoc, door: DecidedDoor, d: Decision): Promise<void> {
    const event = { _id: newId('aev'), tenantId, lockId: lock._id, doorId: door._id, subjectId: d.subject, at: d.at, result: d.result, reason: d.reason, method: 'decision' as const };
    const insert = () => this.events.insertMany([event]);
    if (!d.subject) await insert();
    else await this.changeLog.record(tenantId, { action: 'access_event.recorded', subjectType: 'user', subjectId: d.subject, fields: ['access_events'] }, insert);
    await this.onDecided?.(tenantId, { ...event, createdAt: new Date(), door: door.key, permissionId: d.permission?.id ?? null });
  }
}

/** The grant that holds longest first (open-ended before any end); a user's own before a role's. */
function longestFirst(a: DoorGrant, b: DoorGrant): number {
  const end = (g: DoorGrant) => g.validUntil?.getTime() ?? Infinity;
  return end(b) - end(a) || (a.holderType === 'user' ? -1 : 0) - (b.holderType === 'user' ? -1 : 0);
}
