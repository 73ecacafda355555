import type { MasterKey } from '../crypto/master-key.js';
import { BoundedCache } from '../db/bounded-cache.js';
import { newId } from '../db/ids.js';
import { NotFoundError } from '../errors/http-errors.js';
import type { WebhookDeliveryDoc, WebhookDeliveryModel } from './webhook-delivery.model.js';
import type { WebhookEvent } from './webhook-events.js';
import type { WebhookPersonalData } from './webhook-personal-data.js';
import { newWebhookSecret } from './webhook-signature.js';
import type { WebhookSubscriptionDoc, WebhookSubscriptionModel } from './webhook-subscription.model.js';
import { checkWebhookUrl, type TargetPolicy } from './webhook-target.js';

export interface SubscriptionInput {
  url: string;
  eventTypes: string[];
  /** Names and email addresses in events about users too; the admin API warns when it is asked for. */
  includePersonalData?: boolean;
}

/** Events that may carry the user's name and address for a subscription that opted in: not once they are gone. */
const WITH_PERSONAL_DATA = new Set(['user.created', 'user.updated', 'user.roles_changed', 'user.restricted', 'user.unrestricted', 'user.locked', 'user.unlocked', 'door_permission.granted', 'door_permission.revoked', 'sign_in.succeeded']);

/** The sealed secret's binding: a box moved to another subscription or tenant does not open. */
const aad = (tenantId: string, id: string) => `webhook-secret:${tenantId}:${id}`;

/** What `emit` needs of a subscription. */
type Target = Pick<WebhookSubscriptionDoc, '_id' | 'eventTypes' | 'includePersonalData'>;

/**
 * A tenant's webhook subscriptions and the events queued for them. `emit` writes one delivery job per
 * subscription that takes the event type; the worker (webhook.worker.ts) sends them. Every sign-in is an event,
 * so the subscriptions `emit` looks at are kept per tenant for `keptMs` (TENANT_REFRESH_MS): one created or
 * deleted here counts at once in this process; another process may queue without a new subscription, or for a
 * deleted one (whose deliveries then fail, NO_SUBSCRIPTION), until that time has passed.
 */
export class WebhookService {
  private readonly listeners = new Set<() => void>();
  private readonly targets: BoundedCache<Target[]>;

  constructor(
    private readonly subscriptions: WebhookSubscriptionModel,
    private readonly deliveries: WebhookDeliveryModel,
    private readonly masterKey: MasterKey,
    private readonly policy: TargetPolicy,
    private readonly personalData: WebhookPersonalData,
    /** 0: subscriptions are read at every event. */
    keptMs = 0,
  ) {
    this.targets = new BoundedCache({ ttlMs: keptMs, max: 10_000 });
  }

  /** The secret comes back here and never again: only its sealed form is stored. */
  async create(tenantId: string, input: SubscriptionInput): Promise<{ subscription: WebhookSubscriptionDoc; secret: string }> {
    const url = await checkWebhookUrl(input.url, this.policy);
    const _id = newId('whk');
    const secret = newWebhookSecret();
    const sealedSecret = this.masterKey.wrap(Buffer.from(secret), aad(tenantId, _id));
    const [doc] = await this.subscriptions.insertMany([{ _id, tenantId, url, eventTypes: [...new Set(input.eventTypes)], sealedSecret, includePersonalData: input.includePersonalData === true }]);
    this.targets.forget(tenantId);
    return { subscription: doc!.toObject(), secret };
  }

  async list(tenantId: string): Promise<WebhookSubscriptionDoc[]> {
    return this.subscriptions.find({ tenantId }).sort({ _id: 1 }).lean();
  }

  async get(tenantId: string, id: string): Promise<WebhookSubscriptionDoc> {
    const doc = await this.subscriptions.findOne({ tenantId, _id: id }).lean();
    if (!doc) throw new NotFoundError('Webhook subscription');
    return doc;
  }

  /** Its deliveries go with it, waiting or done: nothing could read or send them any more. */
  async delete(tenantId: string, id: string): Promise<void> {
    const { deletedCount } = await this.subscriptions.deleteOne({ tenantId, _id: id });
    this.targets.forget(tenantId);
    if (!deletedCount) throw new NotFoundError('Webhook subscription');
    await this.deliveries.deleteMany({ tenantId, subscriptionId: id });
  }

  secretOf(subscription: Pick<WebhookSubscriptionDoc, '_id' | 'tenantId' | 'sealedSecret'>): string {
    return this.masterKey.unwrap(subscription.sealedSecret, aad(subscription.tenantId, subscription._id)).toString('utf8');
  }

  async emit(tenantId: string, event: WebhookEvent, at = new Date()): Promise<number> {
    return this.emitMany(tenantId, [{ event, at }]);
  }

  /** Several events (a lock's uploaded batch) queued with one write. */
  async emitMany(tenantId: string, events: readonly { event: WebhookEvent; at: Date }[]): Promise<number> {
    const all = await this.targets.get(tenantId, () => this.subscriptions.find({ tenantId }, { _id: 1, eventTypes: 1, includePersonalData: 1 }).lean<Target[]>());
    const jobs = [];
    for (const { event, at } of events) {
      const targets = (all ?? []).filter((s) => s.eventTypes.includes(event.type));
      if (!targets.length) continue;
      const envelope = { type: event.type, timestamp: at.toISOString(), data: event.data };
      const opted = event.subjectId && WITH_PERSONAL_DATA.has(event.type) && targets.some((s) => s.includePersonalData);
      const person = opted ? await this.personalData.of(tenantId, event.subjectId!) : undefined;
      for (const s of targets) {
        const _id = newId('msg');
        const personal = s.includePersonalData && person;
        const json = JSON.stringify(personal ? { ...envelope, data: { ...event.data, user: person } } : envelope);
        const body = personal ? await this.personalData.seal(tenantId, _id, json) : json;
        jobs.push({ _id, tenantId, subscriptionId: s._id, subjectId: event.subjectId, eventType: event.type, body, sealed: Boolean(personal), state: 'queued' as const, attempts: 0, nextAttemptAt: at });
      }
    }
    if (!jobs.length) return 0;
    await this.deliveries.insertMany(jobs);
    for (const wake of this.listeners) wake();
    return jobs.length;
  }

  /** The exact bytes to send; undefined when a sealed body can no longer be opened (the tenant is gone). */
  bodyOf(job: Pick<WebhookDeliveryDoc, '_id' | 'tenantId' | 'body' | 'sealed'>): Promise<string | undefined> {
    return job.sealed ? this.personalData.open(job.tenantId, job._id, job.body) : Promise.resolve(job.body);
  }

  /** The newest `limit` deliveries of a subscription, newest first. */
  async history(tenantId: string, subscriptionId: string, limit: number): Promise<Omit<WebhookDeliveryDoc, 'body'>[]> {
    await this.get(tenantId, subscriptionId);
    return this.deliveries.find({ tenantId, subscriptionId }, { body: 0 }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<Omit<WebhookDeliveryDoc, 'body'>[]>();
  }

  /** Lets a worker in this process start on new events at once instead of at its next poll. */
  onEmit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
