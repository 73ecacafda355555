import { LRUCache } from 'lru-cache';

export interface BoundedCacheOptions {
  /**
   * How long a value read from the database is trusted before it is read again (TENANT_REFRESH_MS): the bound
   * within which a change made by another process takes effect here. 0: read on every use.
   */
  ttlMs: number;
  /** Entries kept, across all tenants. */
  max: number;
}

/**
 * Database reads kept in this process for a bounded time. A change made here calls `forget`, which takes
 * effect at once: a read begun before the change is not kept after it, even if it answers later. A change made
 * by another process is seen once the entry's `ttlMs` has passed. Nothing found is never kept, so what another
 * process creates is seen at its first use.
 */
export class BoundedCache<V> {
  private readonly entries: LRUCache<string, { value: V }> | undefined;
  /** Counts changes made here, so a read begun before one is not kept after it. */
  private changes = 0;

  constructor(options: BoundedCacheOptions) {
    this.entries = options.ttlMs > 0 ? new LRUCache({ max: options.max, ttl: options.ttlMs, ttlAutopurge: false }) : undefined;
  }

  /** The value kept under `key`, else what `load` reads (kept unless it found nothing). */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const kept = this.entries?.get(key);
    if (kept) return kept.value;
    const changesBefore = this.changes;
    const value = await load();
    if (value !== undefined && this.changes === changesBefore) this.entries?.set(key, { value });
    return value;
  }

  /** The values kept under `keys`, the others read together by one `load` of the keys missing. */
  async getMany(keys: string[], load: (missing: string[]) => Promise<Map<string, V>>): Promise<Map<string, V>> {
    const found = new Map<string, V>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const kept = this.entries?.get(key);
      if (kept) found.set(key, kept.value);
      else missing.push(key);
    }
    if (!missing.length) return found;
    const changesBefore = this.changes;
    const loaded = await load(missing);
    const keep = this.changes === changesBefore;
    for (const [key, value] of loaded) {
      found.set(key, value);
      if (keep) this.entries?.set(key, { value });
    }
    return found;
  }

  /** A change to `key` (or, without one, to anything kept): no read from before it is answered afterwards. */
  forget(key?: string): void {
    this.changes += 1;
    if (key === undefined) this.entries?.clear();
    else this.entries?.delete(key);
  }
}
