import type { ChangeLogEntry } from '../audit/change-log-query.js';

/** Every event type a subscription may ask for. */
export const WEBHOOK_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.roles_changed',
  'user.erased',
  'user.anonymized',
  'user.restricted',
  'user.unrestricted',
  'user.locked',
  'user.unlocked',
  'door_permission.granted',
  'door_permission.revoked',
  'sign_in.succeeded',
  'sign_in.failed',
  'access.granted',
  'access.denied',
  'access_event.recorded',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * An event as it is sent: the Standard Webhooks envelope (`type`, `timestamp`, `data`). `data` holds ids and
 * field names only, never names, email addresses or the values of changed fields.
 */
export interface WebhookEvent {
  type: WebhookEventType;
  subjectId?: string;
  data: Record<string, unknown>;
}

/** The change-log actions that are webhook events, under the event type a subscriber sees. */
const FROM_CHANGE_LOG: Record<string, WebhookEventType> = {
  'user.created': 'user.created',
  'user.updated': 'user.updated',
  'user.deleted': 'user.erased',
  'user.anonymized': 'user.anonymized',
  'user.restricted': 'user.restricted',
  'user.unrestricted': 'user.unrestricted',
  'user.locked': 'user.locked',
  'user.unlocked': 'user.unlocked',
  'door_permission.granted': 'door_permission.granted',
  'door_permission.revoked': 'door_permission.revoked',
};

/** The events one change-log entry stands for: none, one, or two (an update that changed roles). */
export function eventsOfEntry(entry: Pick<ChangeLogEntry, 'id' | 'action' | 'subjectType' | 'subjectId' | 'fields' | 'actorType'>): WebhookEvent[] {
  const type = FROM_CHANGE_LOG[entry.action];
  if (!type) return [];
  const data = { [`${entry.subjectType}_id`]: entry.subjectId, fields: entry.fields, actor_type: entry.actorType, change_log_entry_id: entry.id };
  const events: WebhookEvent[] = [{ type, subjectId: entry.subjectId, data }];
  if (type === 'user.updated' && entry.fields.includes('roles')) events.push({ type: 'user.roles_changed', subjectId: entry.subjectId, data });
  return events;
}
