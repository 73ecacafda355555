import { z } from 'zod';
import type { Services } from '../../services.js';
import type { WebhookDeliveryDoc } from '../../webhooks/webhook-delivery.model.js';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/webhook-events.js';
import type { WebhookSubscriptionDoc } from '../../webhooks/webhook-subscription.model.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';
import { Id, TenantParams } from '../schemas.js';

const EventType = z.enum(WEBHOOK_EVENT_TYPES);
const WebhookCreate = z.strictObject({
  url: z.string().min(1).max(2048),
  event_types: z.array(EventType).min(1).max(WEBHOOK_EVENT_TYPES.length),
  include_personal_data: z.boolean().default(false).describe("events about a user carry `data.user` with the user's name and email address too"),
});
const WebhookView = z.object({ id: z.string(), url: z.string(), event_types: z.array(z.string()), include_personal_data: z.boolean(), created_at: z.string() });
const WebhookCreated = WebhookView.extend({ secret: z.string().describe('whsec_<base64>: shown here once, never again') });
const WebhookParams = TenantParams.extend({ webhookId: Id });
const DeliveryView = z.object({
  id: z.string().describe('the webhook-id header of every attempt'),
  event_type: z.string(),
  state: z.enum(['queued', 'sending', 'sent', 'delivery_failed']),
  attempts: z.number(),
  last_status: z.number().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  sent_at: z.string().nullable(),
  created_at: z.string(),
});
const HistoryQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const ADMINS = ['tenant_admin'] as const;

/** Said whenever a subscription asks for names and addresses: the receiver becomes a recipient of personal data. */
export const PERSONAL_DATA_WARNING =
  "Events to this URL will carry users' names and email addresses. Its operator receives personal data: make sure there is a legal basis and a processing agreement for it (GDPR Art. 28), or subscribe without them and read users through the admin API when needed.";

function toView(s: WebhookSubscriptionDoc): z.infer<typeof WebhookView> {
  return { id: s._id, url: s.url, event_types: s.eventTypes, include_personal_data: s.includePersonalData === true, created_at: s.createdAt.toISOString() };
}

function toDeliveryView(d: Omit<WebhookDeliveryDoc, 'body'>): z.infer<typeof DeliveryView> {
  return {
    id: d._id,
    event_type: d.eventType,
    state: d.state,
    attempts: d.attempts,
    last_status: d.lastStatus ?? null,
    last_error: d.lastError ?? null,
    next_attempt_at: d.state === 'queued' ? d.nextAttemptAt.toISOString() : null,
    sent_at: d.sentAt?.toISOString() ?? null,
    created_at: d.createdAt.toISOString(),
  };
}

export function webhookRoutes(services: Services): RouteSpec[] {
  const common = { tag: 'webhooks', access: { scope: 'tenant' as const, roles: ADMINS } };
  return [
    defineRoute<z.infer<typeof TenantParams>, unknown, z.infer<typeof WebhookCreate>>({
      ...common,
      method: 'post',
      path: '/tenants/{tenant}/webhooks',
      operationId: 'createWebhook',
      summary: 'Subscribe an https URL to event types; the signing secret is in this answer only',
      params: TenantParams,
      body: WebhookCreate,
      responses: { 201: { description: 'Created, with its secret; `warnings` when it asked for personal data', schema: WebhookCreated, warns: true } },
      handler: async ({ tenant, body }) => {
        const input = { url: body.url, eventTypes: body.event_types, includePersonalData: body.include_personal_data };
        const { subscription, secret } = await services.webhooks.create(tenant._id, input);
        return { status: 201, body: { ...toView(subscription), secret }, warnings: body.include_personal_data ? [PERSONAL_DATA_WARNING] : [] };
      },
    }),
    defineRoute<z.infer<typeof TenantParams>>({
      ...common,
      method: 'get',
      path: '/tenants/{tenant}/webhooks',
      operationId: 'listWebhooks',
      summary: "List the tenant's webhook subscriptions (without secrets)",
      params: TenantParams,
      responses: { 200: { description: 'The subscriptions', schema: z.object({ items: z.array(WebhookView) }) } },
      handler: async ({ tenant }) => ({ body: { items: (await services.webhooks.list(tenant._id)).map(toView) } }),
    }),
    defineRoute<z.infer<typeof WebhookParams>>({
      ...common,
      method: 'delete',
      path: '/tenants/{tenant}/webhooks/{webhookId}',
      operationId: 'deleteWebhook',
      summary: 'Remove a subscription with its deliveries, waiting or done',
      params: WebhookParams,
      responses: { 204: { description: 'Removed' } },
      handler: async ({ tenant, params }) => {
        await services.webhooks.delete(tenant._id, params.webhookId);
        return { status: 204 };
      },
    }),
    defineRoute<z.infer<typeof WebhookParams>, z.infer<typeof HistoryQuery>>({
      ...common,
      method: 'get',
      path: '/tenants/{tenant}/webhooks/{webhookId}/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: "A subscription's newest deliveries: state, attempts, last status or error code",
      params: WebhookParams,
      query: HistoryQuery,
      responses: { 200: { description: 'Deliveries, newest first', schema: z.object({ items: z.array(DeliveryView) }) } },
      handler: async ({ tenant, params, query }) => ({ body: { items: (await services.webhooks.history(tenant._id, params.webhookId, query.limit)).map(toDeliveryView) } }),
    }),
  ];
}
