import { newId } from '../db/ids.js';
import type { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { MailKind, OutboxJobDoc, OutboxJobModel, OutboxState } from './outbox.model.js';

/** What is sealed into a job: the rendered mail without sender or Message-ID, which the worker adds. */
export interface OutboxMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  locale: string;
  link: string;
}

export interface EnqueueInput {
  kind: MailKind;
  subjectId: string;
  message: OutboxMessage;
}

type TenantRef = Pick<TenantDoc, '_id' | 'wrappedDataKey'>;

/** The field name a job's message is sealed under: binds the box to its job, so it cannot be moved to another. */
export function messageField(jobId: string): string {
  return `mail_outbox:${jobId}`;
}

/**
 * The persistent outbox: a mail is a document first and a delivery later, so a request that queues one answers
 * at once whatever the state of SMTP, and nothing queued is lost by a restart. Workers deliver (outbox.worker.ts).
 */
export class OutboxService {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly jobs: OutboxJobModel,
    private readonly keyring: TenantKeyring,
  ) {}

  async enqueue(tenant: TenantRef, input: EnqueueInput): Promise<OutboxJobDoc> {
    const _id = newId('mal');
    const message = this.keyring.cipherFor(tenant).encrypt(JSON.stringify(input.message), messageField(_id));
    const [job] = await this.jobs.insertMany([
      { _id, tenantId: tenant._id, kind: input.kind, subjectId: input.subjectId, message, state: 'queued', attempts: 0, nextAttemptAt: new Date() },
    ]);
    for (const wake of this.listeners) wake();
    return job!.toObject();
  }

  /** Withdraws the subject's mail not yet handed to a worker; one already being sent cannot be called back. */
  async cancel(tenantId: string, subjectId: string): Promise<void> {
    await this.jobs.updateMany({ tenantId, subjectId, state: 'queued' }, { $set: { state: 'cancelled' }, $unset: { message: '' } });
  }

  async states(tenantId: string, jobIds: string[]): Promise<Map<string, OutboxState>> {
    if (!jobIds.length) return new Map();
    const docs = await this.jobs.find({ tenantId, _id: { $in: jobIds } }, { state: 1 }).lean();
    return new Map(docs.map((d) => [d._id, d.state]));
  }

  open(tenant: TenantRef, job: Pick<OutboxJobDoc, '_id' | 'message'>): OutboxMessage | undefined {
    return job.message ? (JSON.parse(this.keyring.cipherFor(tenant).decrypt(job.message, messageField(job._id))) as OutboxMessage) : undefined;
  }

  /** Lets a worker in this process start on new mail at once instead of at its next poll. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
