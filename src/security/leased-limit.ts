import { LRUCache } from 'lru-cache';
import type { Collection } from 'mongodb';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { isDuplicateKey } from '../db/duplicate-key.js';
import type { RateLimit } from './rate-limit.store.js';

/** What this process knows of one key in one window. */
interface KeyState {
  windowStart: number;
  /** Points of this process's lease not yet spent. */
  left: number;
  /** The first slot not known to be taken. */
  next: number;
}

interface Slot {
  _id: string;
  /** Equal to _id: the collection's unique `key` index must see a value (no sparse indexes on FerretDB). */
  key: string;
  expire: Date;
}

/** A lease is at most this share of the limit, so a small limit (a test's, a strict tenant's) stays exact. */
const LEASE_SHARE = 1 / 20;
/** Keys remembered per process; a forgotten key costs a search when it comes back, never a wrong answer. */
const KEYS_KEPT = 10_000;

/**
 * A limit shared by every process, whose points a process takes a lease at a time: a busy key costs one write
 * per lease instead of one per request. A window's points are cut into numbered slots of one lease each, and a
 * process takes a slot by inserting its document, whose `_id` names key, window and slot number: a unique key
 * is the one guarantee every server keeps under concurrent writers (FerretDB v1 loses concurrent `$inc`s), so
 * all processes together never allow more than the limit. A lease not used up is lost when its window ends,
 * so a key can be refused at most (lease size × processes) points early. Windows are fixed, aligned to the
 * epoch; the slots expire with them (TTL index or the store's sweeper).
 */
export class LeasedLimit {
  readonly leaseSize: number;
  private readonly slots: number;
  private readonly known = new LRUCache<string, KeyState>({ max: KEYS_KEPT });
  private readonly taking = new Map<string, Promise<void>>();
  private readonly checking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly collection: Collection<Slot>,
    private readonly prefix: string,
    private readonly limit: RateLimit,
    private readonly options: { maxLease?: number; now?: () => number } = {},
  ) {
    const maxLease = options.maxLease ?? 100;
    this.leaseSize = Math.max(1, Math.min(maxLease, Math.floor(limit.points * LEASE_SHARE)));
    this.slots = Math.ceil(limit.points / this.leaseSize);
  }

  /** The refusal `key` gets when no point of its window is left; the database is read only when this process holds none. */
  async refusal(key: string): Promise<RateLimiterRes | undefined> {
    const last = this.lastSlot(key);
    return last && (await this.taken(last)) ? this.refusedNow() : undefined;
  }

  /**
   * Whether a slot is taken. Requests that ask while a read of it is on its way share that read: between two
   * leases every request of a busy key asks, and they would otherwise read once each. A shared answer is no
   * older than the read each would have sent, so the refusal stays as exact as before.
   */
  private taken(slot: string): Promise<boolean> {
    let pending = this.checking.get(slot);
    if (!pending) {
      pending = this.collection
        .findOne({ _id: slot }, { projection: { _id: 1 } })
        .then((doc) => doc !== null)
        .finally(() => this.checking.delete(slot));
      this.checking.set(slot, pending);
    }
    return pending;
  }

  /**
   * The slot `refusal` reads, for a caller that reads it together with other counters: `key` is refused while
   * it is taken. Undefined when this process holds a point of `key`, and nothing need be read.
   */
  lastSlot(key: string): string | undefined {
    return this.held(key) ? undefined : this.slotId(key, this.window().start, this.slots - 1);
  }

  /** The refusal of a key whose last slot of this window is taken. */
  refusedNow(): RateLimiterRes {
    return this.refused(this.window());
  }

  /** Spends one point of `key`, taking a lease when this process holds none; rejects with a RateLimiterRes when none is left. */
  async spend(key: string): Promise<void> {
    for (;;) {
      const state = this.held(key);
      if (state) {
        state.left -= 1;
        return;
      }
      await this.take(key);
    }
  }

  /**
   * Gives `key` its whole limit back (an account's attempts after a successful sign-in). Other processes may
   * still hold a lease they took before: at most one each, as at a window's start.
   */
  async clear(key: string): Promise<void> {
    this.forget(key);
    await this.collection.deleteMany({ key: { $in: this.slotIdsOf(key) } });
  }

  /**
   * Every slot `key` can hold in this window, for a caller that removes them together with other counters. Named
   * one by one, so the removal is a lookup in the collection's `key` index, never a search through every counter.
   * Slots are named by prefix, key, window and number alone: a limit of more points on the same prefix names more
   * of them, and those of fewer among them. A past window's slots count for nothing and are left to expire.
   */
  slotIdsOf(key: string): string[] {
    const { start } = this.window();
    return Array.from({ length: this.slots }, (_, n) => this.slotId(key, start, n));
  }

  /** Drops what this process knows of `key`: its next spend looks at the slots again. */
  forget(key: string): void {
    this.known.delete(key);
  }

  private held(key: string): KeyState | undefined {
    const state = this.known.get(key);
    return state && state.left > 0 && state.windowStart === this.window().start ? state : undefined;
  }

  /** One lease in flight per key: concurrent requests wait for it instead of each taking one. */
  private take(key: string): Promise<void> {
    let pending = this.taking.get(key);
    if (!pending) {
      pending = this.takeSlot(key).finally(() => this.taking.delete(key));
      this.taking.set(key, pending);
    }
    return pending;
  }

  private async takeSlot(key: string): Promise<void> {
    const window = this.window();
    const known = this.known.get(key);
    const state: KeyState = known?.windowStart === window.start ? known : { windowStart: window.start, left: 0, next: 0 };
    this.known.set(key, state);
    // Slots are taken in order (nobody tries n+1 before seeing n taken), so trying upward from the first slot
    // not known to be taken never skips a free one.
    let searched = false;
    let rescanned = false;
    for (let n = state.next; ; n++) {
      if (n >= this.slots) {
        // Every slot this process knows of is taken; another process may have cleared the key since (clear),
        // so look once more from the first slot before refusing.
        if (rescanned || state.next === 0) break;
        rescanned = true;
        n = (await this.firstFree(key, window.start, 0)) - 1;
        if (n + 1 >= this.slots) break;
        continue;
      }
      const _id = this.slotId(key, window.start, n);
      try {
        await this.collection.insertOne({ _id, key: _id, expire: new Date(window.end) });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Others have been taking this key's slots: find the first free one in log(slots) reads, not one
        // failed insert per slot (a large limit has thousands).
        if (!searched) n = (await this.firstFree(key, window.start, n + 1)) - 1;
        searched = true;
        continue;
      }
      state.next = n + 1;
      state.left = n === this.slots - 1 ? this.limit.points - n * this.leaseSize : this.leaseSize;
      return;
    }
    state.next = this.slots;
    throw this.refused(window);
  }

  /** The first slot from `from` on that is not taken; slots are taken in order, so a binary search finds it. */
  private async firstFree(key: string, windowStart: number, from: number): Promise<number> {
    let [low, high] = [from, this.slots];
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (await this.collection.findOne({ _id: this.slotId(key, windowStart, mid) }, { projection: { _id: 1 } })) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private window(): { start: number; end: number } {
    const ms = this.limit.durationSeconds * 1000;
    const start = Math.floor(this.now() / ms) * ms;
    return { start, end: start + ms };
  }

  private slotId(key: string, windowStart: number, n: number): string {
    return `${this.prefix}:${key}:${windowStart}:${n}`;
  }

  private refused(window: { end: number }): RateLimiterRes {
    return new RateLimiterRes(0, window.end - this.now(), this.limit.points);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
