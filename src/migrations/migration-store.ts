import type { MigrationDoc, MigrationModel } from './migration.model.js';
import type { Migration } from './migration.js';

/** The `migrations` collection: which migrations a database has had, and which one a crash interrupted. */
export class MigrationStore {
  constructor(private readonly records: MigrationModel) {}

  async all(): Promise<MigrationDoc[]> {
    return this.records.find({}).sort({ _id: 1 }).lean();
  }

  /** The highest migration applied, 0 for a database none was ever applied to. */
  async version(): Promise<number> {
    const [last] = await this.records.find({ state: 'applied' }).sort({ _id: -1 }).limit(1).lean();
    return last?._id ?? 0;
  }

  /** Marks a migration begun (again); answers whether an earlier run of it was interrupted. */
  async begin(m: Migration, by: string): Promise<{ resumed: boolean }> {
    const before = await this.records.findOneAndUpdate(
      { _id: m.id },
      { $set: { name: m.name, state: 'running', startedAt: new Date(), by }, $inc: { attempts: 1 }, $unset: { appliedAt: '' } },
      { upsert: true, returnDocument: 'before' },
    ).lean();
    return { resumed: before?.state === 'running' };
  }

  async applied(m: Migration, by: string): Promise<void> {
    await this.records.updateOne({ _id: m.id }, { $set: { state: 'applied', appliedAt: new Date(), by } });
  }

  /** Undone: no record, as if it had never run, so the next `up` runs it again. */
  async forget(m: Migration): Promise<void> {
    await this.records.deleteOne({ _id: m.id });
  }
}
