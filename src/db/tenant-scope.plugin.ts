import { Schema } from 'mongoose';
import { UnscopedQueryError } from '../errors/http-errors.js';

/**
 * Every tenant collection carries `tenantId`, and this plugin refuses any query, update, delete or
 * aggregation that does not filter on it. Isolation is therefore a property of the data layer, not of each
 * caller's care: a forgotten filter is an exception in tests, never another tenant's rows.
 *
 * A collection may instead key its documents by a tenant-scoped `_id` (`<tenantId>:<rest>`, see
 * `tenantScopedId`): a filter on that `_id` alone names its tenant too. It matters for speed, not safety:
 * FerretDB v1 hands a filter to its storage only when it is on `_id` alone, and scans the collection otherwise.
 */
const QUERY_OPS = [
  'find',
  'findOne',
  'countDocuments',
  'distinct',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
] as const;

const SCOPE_SEPARATOR = ':';

export function tenantScopedId(tenantId: string, ...rest: string[]): string {
  return [tenantId, ...rest].join(SCOPE_SEPARATOR);
}

function isTenantScopedId(id: unknown): boolean {
  return typeof id === 'string' && id.indexOf(SCOPE_SEPARATOR) > 0;
}

export interface TenantScopeOptions {
  /** Documents are keyed by `tenantScopedId`, so a filter on `_id` alone is scoped. */
  scopedIds?: boolean;
  /**
   * The admin API pages through a tenant's documents in `_id` order (a cursor that never moves): indexed by
   * tenant then `_id`, so a page is read up to its end and no further, however many documents the tenant has.
   */
  listedById?: boolean;
}

/** Whether a filter names its tenant: by `tenantId`, or (where documents are keyed so) by a tenant-scoped `_id`. */
export function isScopedFilter(filter: Record<string, unknown>, options: TenantScopeOptions = {}): boolean {
  if (filter.tenantId !== undefined && filter.tenantId !== null) return true;
  return Boolean(options.scopedIds && isTenantScopedId(filter._id));
}

export function tenantScopePlugin(schema: Schema, options: TenantScopeOptions = {}): void {
  if (!schema.path('tenantId')) {
    schema.add({ tenantId: { type: String, required: true, immutable: true } });
  }
  if (options.listedById) schema.index({ tenantId: 1, _id: 1 });
  for (const op of QUERY_OPS) {
    schema.pre(op, function refuseUnscoped(this: { getFilter(): Record<string, unknown>; model: { modelName: string } }) {
      if (!isScopedFilter(this.getFilter(), options)) throw new UnscopedQueryError(this.model.modelName, op);
    });
  }
  schema.pre('aggregate', function refuseUnscopedAggregate() {
    const first = this.pipeline()[0] as { $match?: Record<string, unknown> } | undefined;
    if (!first?.$match || first.$match.tenantId === undefined) {
      throw new UnscopedQueryError((this as unknown as { _model: { modelName: string } })._model.modelName, 'aggregate');
    }
  });
  // bulkWrite bypasses query middleware: each of its operations is checked here instead.
  schema.pre('bulkWrite', function refuseUnscopedBulkWrite(this: { modelName: string }, ...args: unknown[]) {
    const ops = args.find((a) => Array.isArray(a)) as Record<string, { filter?: Record<string, unknown>; document?: Record<string, unknown> }>[] | undefined;
    for (const op of ops ?? []) {
      for (const [kind, body] of Object.entries(op)) {
        const tenantId = kind === 'insertOne' ? body?.document?.tenantId : body?.filter?.tenantId;
        if (tenantId === undefined || tenantId === null) throw new UnscopedQueryError(this.modelName, `bulkWrite ${kind}`);
      }
    }
  });
  schema.pre('insertMany', function requireTenant(this: { modelName: string }, ...args: unknown[]) {
    const docs = args.find((a) => Array.isArray(a)) as unknown[] | undefined;
    for (const doc of docs ?? []) {
      if (!(doc as { tenantId?: unknown })?.tenantId) throw new UnscopedQueryError(this.modelName, 'insertMany');
    }
  });
}
