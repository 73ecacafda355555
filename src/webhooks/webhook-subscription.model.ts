import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/**
 * Where a tenant wants its events: an URL, the event types it takes, and the signing secret, sealed under the
 * master key (as client secrets are) and shown once when created.
 */
export interface WebhookSubscriptionDoc {
  _id: string;
  tenantId: string;
  url: string;
  eventTypes: string[];
  sealedSecret: string;
  /** The tenant chose to receive names and email addresses too, after being warned; otherwise ids only. */
  includePersonalData: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const WebhookSubscriptionSchema = new Schema<WebhookSubscriptionDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    url: { type: String, required: true },
    eventTypes: { type: [String], required: true },
    sealedSecret: { type: String, required: true },
    includePersonalData: { type: Boolean, default: false },
  },
  { collection: 'webhook_subscriptions', timestamps: true, versionKey: false },
);
WebhookSubscriptionSchema.plugin(tenantScopePlugin);
WebhookSubscriptionSchema.index({ tenantId: 1, _id: 1 });

export type WebhookSubscriptionModel = Model<WebhookSubscriptionDoc>;

export function webhookSubscriptionModel(connection: Connection): WebhookSubscriptionModel {
  return connection.model<WebhookSubscriptionDoc>('WebhookSubscription', WebhookSubscriptionSchema);
}
