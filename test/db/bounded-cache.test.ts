import { BoundedCache } from '../../src/db/bounded-cache.js';

/** A read that answers when the test says so, counting how often it was started. */
function gatedRead<V>() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const read = { count: 0, release, fn: async (value: V) => value };
  read.fn = async (value: V) => {
    read.count += 1;
    await gate;
    return value;
  };
  return read;
}

describe('BoundedCache', () => {
  it('reads a key once for the requests that miss it at the same time', async () => {
    const cache = new BoundedCache<string>({ ttlMs: 60_000, max: 10 });
    const read = gatedRead<string>();
    const answers = Promise.all([1, 2, 3].map(() => cache.get('k', () => read.fn('v1'))));
    read.release();
    expect(await answers).toEqual(['v1', 'v1', 'v1']);
    expect(read.count).toBe(1);
  });

  it('never lets a request after a change made here join a read begun before it', async () => {
    const cache = new BoundedCache<string>({ ttlMs: 60_000, max: 10 });
    const before = gatedRead<string>();
    const first = cache.get('k', () => before.fn('old'));
    cache.forget('k');
    const second = cache.get('k', async () => 'new');
    before.release();
    expect(await first).toBe('old');
    expect(await second).toBe('new');
    // The read from before the change was not kept either.
    expect(await cache.get('k', async () => 'read again')).toBe('new');
  });

  it('shares nothing when values are read on every use (ttlMs 0)', async () => {
    const cache = new BoundedCache<string>({ ttlMs: 0, max: 10 });
    const read = gatedRead<string>();
    const answers = Promise.all([1, 2].map(() => cache.get('k', () => read.fn('v'))));
    read.release();
    await answers;
    expect(read.count).toBe(2);
  });

  it('reads in one load only the keys neither kept nor being read, and waits for those being read', async () => {
    const cache = new BoundedCache<string>({ ttlMs: 60_000, max: 10 });
    await cache.get('kept', async () => 'kept value');
    const read = gatedRead<string>();
    const single = cache.get('a', () => read.fn('a by get'));
    const loads: string[][] = [];
    const many = cache.getMany(['kept', 'a', 'b'], async (missing) => {
      loads.push(missing);
      return new Map(missing.map((k) => [k, `${k} by getMany`]));
    });
    read.release();
    expect(await single).toBe('a by get');
    expect(Object.fromEntries(await many)).toEqual({ kept: 'kept value', a: 'a by get', b: 'b by getMany' });
    expect(loads).toEqual([['b']]);
    // A get of a key a getMany is reading joins it.
    const slow = gatedRead<Map<string, string>>();
    const batch = cache.getMany(['c'], (missing) => slow.fn(new Map(missing.map((k) => [k, `${k} by batch`]))));
    const joined = cache.get('c', async () => 'c by its own read');
    slow.release();
    await batch;
    expect(await joined).toBe('c by batch');
  });

  it('passes a failed read to every request that shared it, and reads again after', async () => {
    const cache = new BoundedCache<string>({ ttlMs: 60_000, max: 10 });
    let reads = 0;
    const failing = () => {
      reads += 1;
      return Promise.reject(new Error('database unavailable'));
    };
    const results = await Promise.allSettled([cache.get('k', failing), cache.get('k', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(reads).toBe(1);
    expect(await cache.get('k', async () => 'back')).toBe('back');
  });
});
