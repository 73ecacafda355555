import { LRUCache } from 'lru-cache';

/**
 * An LRU whose entries also expire after `ttl` milliseconds, the one way this code builds one. lru-cache's
 * default keeps the time it read for a millisecond (`ttlResolution`) and arms a timer to forget it: on a
 * server whose uses of a cache are more than a millisecond apart, that is one timer set and fired per use,
 * dearer than reading the clock at each use, as here.
 */
export function expiringLru<K extends {}, V extends {}>(options: ExpiringLruOptions<V>): LRUCache<K, V> {
  return new LRUCache<K, V>({ ...options, ttlResolution: 0 });
}

export interface ExpiringLruOptions<V> {
  /** Entries kept at most. */
  max: number;
  /** Milliseconds an entry is used after it was set. */
  ttl: number;
  /** With `sizeCalculation`: the entries' sizes added up stay below this; a larger entry is not kept. */
  maxSize?: number;
  sizeCalculation?: (value: V) => number;
}
