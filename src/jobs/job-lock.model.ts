import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One scheduled job's lease, shared by every process of a deployment. Platform-wide, not a tenant's data, so
 * no tenant scope: a job runs over all tenants under one lock.
 */
export interface JobLockDoc {
  /** The job's name. */
  _id: string;
  /** The process holding the lease; empty once released. */
  owner?: string;
  /** The lease ends here even if its owner never releases it (a crashed process blocks nobody for long). */
  leaseUntil: Date;
  /** When the job is due again: a run finished by any process counts for all of them. */
  nextRunAt: Date;
  lastStartedAt?: Date;
  lastFinishedAt?: Date;
  /** A code or short message of the last failure; never personal data. */
  lastError?: string;
}

const JobLockSchema = new Schema<JobLockDoc>(
  {
    _id: { type: String, required: true },
    owner: String,
    leaseUntil: { type: Date, required: true },
    nextRunAt: { type: Date, required: true },
    lastStartedAt: Date,
    lastFinishedAt: Date,
    lastError: String,
  },
  { collection: 'job_locks', versionKey: false },
);

export type JobLockModel = Model<JobLockDoc>;

export function jobLockModel(connection: Connection): JobLockModel {
  return connection.model<JobLockDoc>('JobLock', JobLockSchema);
}
