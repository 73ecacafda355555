import type { paths } from '../../api/schema';

/** A subscription as the API lists it (never with its secret). */
export type Webhook = paths['/tenants/{tenant}/webhooks']['get']['responses'][200]['content']['application/json']['items'][number];

/** An event type a URL can be subscribed to, as the API's document names them. */
export type WebhookEventType = NonNullable<paths['/tenants/{tenant}/webhooks']['post']['requestBody']>['content']['application/json']['event_types'][number];

/** Every event type, in the order the README lists them; the check below fails the typecheck when one is missing. */
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
] as const satisfies readonly WebhookEventType[];

const everyType: Exclude<WebhookEventType, (typeof WEBHOOK_EVENT_TYPES)[number]> extends never ? true : false = true;
void everyType;
