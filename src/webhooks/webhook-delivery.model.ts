import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/** `delivery_failed`: every attempt failed (or the target was refused); nothing more is tried. */
export type WebhookDeliveryState = 'queued' | 'sending' | 'sent' | 'delivery_failed';

/**
 * One event for one subscription: an outbox job (claimed, leased, retried with backoff as mail is, see
 * src/outbox) and, once done, its line in the delivery history. The body is the exact JSON that is signed
 * and sent, so every attempt sends the same bytes under the same webhook-id.
 */
export interface WebhookDeliveryDoc {
  _id: string;
  tenantId: string;
  subscriptionId: string;
  /** The user the event is about, if any: erasure removes the events about them (subject-data.registry.ts). */
  subjectId?: string;
  eventType: string;
  body: string;
  /** The body holds a name or an address, so it is sealed with the tenant's data key (see WebhookService). */
  sealed?: boolean;
  state: WebhookDeliveryState;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil?: Date;
  lockedBy?: string;
  /** A code (`HTTP_503`, `TIMEOUT`, `REFUSED_ADDRESS`…), never the receiver's text. */
  lastError?: string;
  lastStatus?: number;
  sentAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const WebhookDeliverySchema = new Schema<WebhookDeliveryDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    subscriptionId: { type: String, required: true, immutable: true },
    subjectId: { type: String, immutable: true },
    eventType: { type: String, required: true, immutable: true },
    body: { type: String, required: true, immutable: true },
    sealed: { type: Boolean, immutable: true },
    state: { type: String, enum: ['queued', 'sending', 'sent', 'delivery_failed'], required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lockedUntil: Date,
    lockedBy: String,
    lastError: String,
    lastStatus: Number,
    sentAt: Date,
  },
  { collection: 'webhook_outbox', timestamps: true, versionKey: false },
);
WebhookDeliverySchema.plugin(tenantScopePlugin);
// The workers' claim, across tenants: due jobs first.
WebhookDeliverySchema.index({ state: 1, nextAttemptAt: 1 });
WebhookDeliverySchema.index({ tenantId: 1, subscriptionId: 1, _id: -1 });
WebhookDeliverySchema.index({ tenantId: 1, subjectId: 1 });

export type WebhookDeliveryModel = Model<WebhookDeliveryDoc>;

export function webhookDeliveryModel(connection: Connection): WebhookDeliveryModel {
  return connection.model<WebhookDeliveryDoc>('WebhookDelivery', WebhookDeliverySchema);
}
