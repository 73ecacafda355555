import type { LRUCache } from 'lru-cache';
import { expiringLru } from './expiring-lru.js';

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
 *
 * Requests that miss the same key at once share one read: when an entry runs out on a busy server, every request
 * in flight would otherwise read it again. A request after a change made here never joins a read begun before
 * it. With `ttlMs` 0 nothing is shared either: each use reads.
 */
export class BoundedCache<V> {
  private readonly entries: LRUCache<string, { value: V }> | undefined;
  /** Counts changes made here, so a read begun before one is not kept after it. */
  private changes = 0;
  /** Reads under way, by key, with the count of changes when each began. */
  private readonly loading = new Map<string, { changes: number; value: Promise<V | undefined> }>();

  constructor(options: BoundedCacheOptions) {
    this.entries = options.ttlMs > 0 ? expiringLru({ max: options.max, ttl: options.ttlMs }) : undefined;
  }

  /** The value kept under `key`, else what `load` reads (kept unless it found nothing). */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    if (!this.entries) return load();
    const kept = this.entries.get(key);
    if (kept) return kept.value;
    const under = this.underWay(key);
    if (under) return under;
    const changesBefore = this.changes;
    return this.share(key, changesBefore, async () => {
      const value = await load();
      if (value !== undefined && this.changes === changesBefore) this.entries?.set(key, { value });
      return value;
    });
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
    const joined = this.entries ? missing.map((key) => [key, this.underWay(key)] as const).filter(([, under]) => under) : [];
    const toLoad = missing.filter((key) => !joined.some(([k]) => k === key));
    const changesBefore = this.changes;
    const loading = toLoad.length ? load(toLoad) : Promise.resolve(new Map<string, V>());
    for (const key of toLoad) {
      if (this.entries) void this.share(key, changesBefore, async () => (await loading).get(key)).catch(() => undefined);
    }
    const loaded = await loading;
    const keep = this.changes === changesBefore;
    for (const [key, value] of loaded) {
      found.set(key, value);
      if (keep) this.entries?.set(key, { value });
    }
    for (const [key, under] of joined) {
      const value = await under;
      if (value !== undefined) found.set(key, value);
    }
    return found;
  }

  /** The read of `key` under way since no change made here, if there is one. */
  private underWay(key: string): Promise<V | undefined> | undefined {
    const under = this.loading.get(key);
    return under && under.changes === this.changes ? under.value : undefined;
  }

  private share(key: string, changes: number, read: () => Promise<V | undefined>): Promise<V | undefined> {
    const value = read().finally(() => {
      if (this.loading.get(key)?.value === value) this.loading.delete(key);
    });
    this.loading.set(key, { changes, value });
    return value;
  }

  /** A change to `key` (or, without one, to anything kept): no read from before it is answered afterwards. */
  forget(key?: string): void {
    this.changes += 1;
    if (key === undefined) this.entries?.clear();
    else this.entries?.delete(key);
  }
}
