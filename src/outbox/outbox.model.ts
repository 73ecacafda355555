import { Schema, type Connection, type Model } from 'mongoose';
import { tenantScopePlugin } from '../db/tenant-scope.plugin.js';

/** `cancelled`: replaced (a resent invitation) or no longer wanted (a revoked one) before it was sent. */
export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';
export type MailKind = 'invitation' | 'password_reset' | 'email_verification';

/**
 * One mail to deliver. The rendered message holds the recipient's address and a live link, so it is stored
 * sealed with the tenant's data key, and dropped once an SMTP server has accepted it. `lastError` is a code,
 * never a server's text, which may quote the recipient.
 */
export interface OutboxJobDoc {
  _id: string;
  tenantId: string;
  kind: MailKind;
  /** What the mail is about (an invitation, a user): how its sender finds it again to cancel or report. */
  subjectId: string;
  /** Sealed JSON of the rendered message (see OutboxMessage). */
  message?: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: Date;
  /** The lease of the worker sending it: no other worker claims the job before this time. */
  lockedUntil?: Date;
  lockedBy?: string;
  lastError?: string;
  /** `local`: captured by the local mailbox (development), never sent anywhere. */
  deliveredVia?: 'smtp' | 'local';
  sentAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const OutboxJobSchema = new Schema<OutboxJobDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true, immutable: true },
    kind: { type: String, enum: ['invitation', 'password_reset', 'email_verification'], required: true, immutable: true },
    subjectId: { type: String, required: true, immutable: true },
    message: String,
    state: { type: String, enum: ['queued', 'sending', 'sent', 'failed', 'cancelled'], required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lockedUntil: Date,
    lockedBy: String,
    lastError: String,
    deliveredVia: String,
    sentAt: Date,
  },
  { collection: 'mail_outbox', timestamps: true, versionKey: false },
);
OutboxJobSchema.plugin(tenantScopePlugin);
// The workers' claim, across tenants: due jobs first.
OutboxJobSchema.index({ state: 1, nextAttemptAt: 1 });
OutboxJobSchema.index({ tenantId: 1, subjectId: 1 });

export type OutboxJobModel = Model<OutboxJobDoc>;

export function outboxJobModel(connection: Connection): OutboxJobModel {
  return connection.model<OutboxJobDoc>('OutboxJob', OutboxJobSchema);
}
