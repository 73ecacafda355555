import type { AccessEventDoc } from '../access/access-event.model.js';
import type { WebhookEvent } from './webhook-events.js';
import type { WebhookService } from './webhook.service.js';

/** What is stored of an access event and told to subscribers: ids, the door, the result, never a name. */
type Recorded = Pick<AccessEventDoc, '_id' | 'lockId' | 'doorId' | 'subjectId' | 'deviceId' | 'eventId' | 'at' | 'result' | 'reason' | 'method'>;

/**
 * Access as webhook events: `access.granted`/`access.denied` for the decisions Doorway makes for locks,
 * `access_event.recorded` for each event a lock uploads from its own log. Ids and pseudonyms only (user id,
 * device pseudonym, lock and door ids), the result, reason and time; a restricted person's attempts name no
 * user, as their stored events do not. A decision is not held up by its events: a failure to queue them is
 * logged. With no subscription to these types, nothing is read or written (the subscriptions are kept).
 */
export class AccessWebhookEvents {
  constructor(
    private readonly webhooks: Pick<WebhookService, 'emitMany'>,
    private readonly logger: { warn(obj: object, msg: string): void },
  ) {}

  decided(tenantId: string, event: Recorded & { door: string; permissionId: string | null }): Promise<void> {
    const type = event.result === 'granted' ? 'access.granted' : 'access.denied';
    return this.emit(tenantId, [{ event: { type, subjectId: event.subjectId ?? undefined, data: { ...dataOf(event), door: event.door, permission_id: event.permissionId } }, at: event.at }]);
  }

  uploaded(tenantId: string, events: readonly Recorded[]): Promise<void> {
    return this.emit(
      tenantId,
      events.map((e) => ({ event: { type: 'access_event.recorded' as const, subjectId: e.subjectId ?? undefined, data: { ...dataOf(e), device_id: e.deviceId ?? null, lock_event_id: e.eventId ?? null } }, at: e.at })),
    );
  }

  private async emit(tenantId: string, events: { event: WebhookEvent; at: Date }[]): Promise<void> {
    if (!events.length) return;
    await this.webhooks.emitMany(tenantId, events).catch((err: unknown) => this.logger.warn({ err, tenantId, type: events[0]!.event.type }, 'webhook event not queued'));
  }
}

function dataOf(e: Recorded) {
  return { access_event_id: e._id, lock_id: e.lockId, door_id: e.doorId, user_id: e.subjectId, result: e.result, reason: e.reason, method: e.method, at: e.at.toISOString() };
}
