import { LRUCache } from 'lru-cache';
import { expiringLru } from '../db/expiring-lru.js';
import { SLUG_PATTERN } from './tenant.service.js';
import type { TenantDoc } from './tenant.model.js';

export interface TenantPoolOptions<R> {
  /** How many tenants' runtimes stay built. */
  max: number;
  /** How long a runtime is trusted before its tenant's configVersion is read again. */
  refreshMs: number;
  /** How long an unknown slug is remembered, so a flood of bad slugs costs no database reads. */
  unknownTtlMs?: number;
  loadTenant(slug: string): Promise<TenantDoc | null>;
  configVersion(slug: string): Promise<number | null>;
  build(tenant: TenantDoc): Promise<R>;
}

/** A healthy database answers a configVersion read in milliseconds; past this, serving what is built is better than waiting. */
const CHECK_BUDGET_MS = 250;
const BUILT = Symbol('built');

interface Entry<R> {
  runtime: Promise<R>;
  version: number;
  checkedAt: number;
  checking?: Promise<R | null>;
}

/**
 * A bounded LRU of tenant runtimes (Promise<R>, so concurrent first requests build once). Every process
 * re-reads a tenant's configVersion at most every `refreshMs` and rebuilds on a change, which is how a change
 * made through one process reaches all of them within seconds.
 */
export class TenantPool<R> {
  private readonly entries: LRUCache<string, Entry<R>>;
  private readonly unknown: LRUCache<string, true>;
  /** The runtime last built for each slug, kept through a failed rebuild: what getBuilt falls back on. */
  private readonly built: LRUCache<string, { runtime: R }>;
  private readonly loading = new Map<string, Promise<R | null>>();

  constructor(private readonly options: TenantPoolOptions<R>) {
    this.entries = new LRUCache({ max: options.max });
    this.built = new LRUCache({ max: options.max });
    this.unknown = expiringLru({ max: 10_000, ttl: options.unknownTtlMs ?? 5000 });
  }

  get size(): number {
    return this.entries.size;
  }

  async get(slug: string): Promise<R | null> {
    if (!SLUG_PATTERN.test(slug) || this.unknown.has(slug)) return null;
    const entry = this.entries.get(slug);
    if (entry && Date.now() - entry.checkedAt < this.options.refreshMs) return entry.runtime;
    if (entry) return (entry.checking ??= this.revalidate(slug, entry).finally(() => delete entry.checking));
    return this.loadOnce(slug);
  }

  /**
   * For what the provider serves from memory alone (discovery, keys): the tenant is looked up as by get(), but
   * a lookup that fails or takes longer than CHECK_BUDGET_MS (the database is down or frozen) does not hold
   * the answer: the runtime last built for the slug is served, and the lookup goes on behind it.
   */
  async getBuilt(slug: string): Promise<R | null> {
    const lastBuilt = this.built.get(slug);
    if (!lastBuilt) return this.get(slug);
    const current = this.get(slug);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof BUILT>((resolve) => (timer = setTimeout(resolve, CHECK_BUDGET_MS, BUILT)));
    try {
      const outcome = await Promise.race([current.catch((): typeof BUILT => BUILT), late]);
      return outcome === BUILT ? lastBuilt.runtime : outcome;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forget a tenant now (it changed in this process): the next request rebuilds it. */
  invalidate(slug: string): void {
    this.entries.delete(slug);
    this.built.delete(slug);
    this.unknown.delete(slug);
  }

  private async revalidate(slug: string, entry: Entry<R>): Promise<R | null> {
    const version = await this.options.configVersion(slug);
    if (version === null) {
      this.forgetUnknown(slug);
      return null;
    }
    if (version === entry.version) {
      entry.checkedAt = Date.now();
      return entry.runtime;
    }
    return this.loadOnce(slug);
  }

  private loadOnce(slug: string): Promise<R | null> {
    let pending = this.loading.get(slug);
    if (!pending) {
      pending = this.load(slug).finally(() => this.loading.delete(slug));
      this.loading.set(slug, pending);
    }
    return pending;
  }

  private async load(slug: string): Promise<R | null> {
    const tenant = await this.options.loadTenant(slug);
    if (!tenant) {
      this.forgetUnknown(slug);
      return null;
    }
    const runtime = this.options.build(tenant);
    const entry: Entry<R> = { runtime, version: tenant.configVersion, checkedAt: Date.now() };
    this.entries.set(slug, entry);
    // A failed build must not stay cached: the next request tries again.
    runtime.then(
      (built) => this.built.set(slug, { runtime: built }),
      () => this.entries.get(slug) === entry && this.entries.delete(slug),
    );
    return runtime;
  }

  private forgetUnknown(slug: string): void {
    this.entries.delete(slug);
    this.built.delete(slug);
    this.unknown.set(slug, true);
  }
}
