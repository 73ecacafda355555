import type { AnyBulkWriteOperation, BulkWriteOptions, Collection, Document, Filter, FindOptions, OptionalUnlessRequiredId, UpdateFilter, UpdateOptions, WithId } from 'mongodb';
import type { Model } from 'mongoose';
import { UnscopedQueryError } from '../errors/http-errors.js';
import { isScopedFilter, type TenantScopeOptions } from './tenant-scope.plugin.js';

/**
 * A tenant model's collection through the driver alone, for the hottest path (oidc-provider's entries, about
 * twenty commands per sign-in): Mongoose builds and casts each query, measured here at 35–120 µs of CPU per
 * command on top of the driver's own, which these filters and documents, written whole by their one caller,
 * do not need. It refuses what tenantScopePlugin refuses, so isolation stays a property of the data layer.
 */
export class ScopedCollection<T extends Document> {
  private readonly collection: Collection<T>;
  private readonly name: string;

  constructor(
    model: Model<T>,
    private readonly options: TenantScopeOptions,
  ) {
    this.collection = model.collection as unknown as Collection<T>;
    this.name = model.modelName;
  }

  findOne(filter: Filter<T>) {
    return this.collection.findOne(this.scoped(filter, 'findOne'));
  }

  find(filter: Filter<T>, options?: FindOptions): Promise<WithId<T>[]> {
    return this.collection.find(this.scoped(filter, 'find'), options).toArray();
  }

  updateOne(filter: Filter<T>, update: UpdateFilter<T>, options?: UpdateOptions) {
    return this.collection.updateOne(this.scoped(filter, 'updateOne'), update, options);
  }

  deleteOne(filter: Filter<T>) {
    return this.collection.deleteOne(this.scoped(filter, 'deleteOne'));
  }

  deleteMany(filter: Filter<T>) {
    return this.collection.deleteMany(this.scoped(filter, 'deleteMany'));
  }

  /** Updates sent together, in order, as one command (one `update` carrying each as a statement). */
  updateEach(updates: { filter: Filter<T>; update: UpdateFilter<T>; upsert?: boolean }[]) {
    const operations = updates.map(({ filter, update, upsert }) => ({ updateOne: { filter: this.scoped(filter, 'updateEach'), update, upsert } }));
    return this.collection.bulkWrite(operations as AnyBulkWriteOperation<T>[], { ordered: true });
  }

  insertMany(docs: OptionalUnlessRequiredId<T>[], options?: BulkWriteOptions) {
    for (const doc of docs) if (!(doc as { tenantId?: unknown }).tenantId) throw new UnscopedQueryError(this.name, 'insertMany');
    return this.collection.insertMany(docs, options);
  }

  private scoped(filter: Filter<T>, op: string): Filter<T> {
    if (!isScopedFilter(filter as Record<string, unknown>, this.options)) throw new UnscopedQueryError(this.name, op);
    return filter;
  }
}
