import { Schema, type Connection, type Model } from 'mongoose';

export type MigrationState = 'running' | 'applied';

/**
 * One migration's record: the schema version of a database is the highest `_id` recorded `applied`. A record
 * left `running` is a migration a process began and did not finish (it crashed or was killed); the next run
 * resumes it. Platform-wide, not a tenant's data, so no tenant scope.
 */
export interface MigrationDoc {
  /** The migration's number (0001 -> 1): numbers order the migrations and never repeat. */
  _id: number;
  name: string;
  state: MigrationState;
  /** Runs begun: above 1, a run was interrupted and this one resumed it. */
  attempts: number;
  startedAt: Date;
  appliedAt?: Date;
  /** The process that ran it last (`host:pid:nonce`), for an operator reading `migrate status`. */
  by: string;
}

const MigrationSchema = new Schema<MigrationDoc>(
  {
    _id: { type: Number, required: true },
    name: { type: String, required: true },
    state: { type: String, enum: ['running', 'applied'], required: true },
    attempts: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    appliedAt: Date,
    by: { type: String, required: true },
  },
  { collection: 'migrations', versionKey: false },
);

export type MigrationModel = Model<MigrationDoc>;

export function migrationModel(connection: Connection): MigrationModel {
  return connection.model<MigrationDoc>('Migration', MigrationSchema);
}
