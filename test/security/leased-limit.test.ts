import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { LeasedLimit } from '../../src/security/leased-limit.js';
import { isLimited, RATE_LIMIT_COLLECTION } from '../../src/security/rate-limit.store.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';
import { countAllowed } from '../support/limits.js';

/** Each "process" is a LeasedLimit of its own over one shared counter collection, as two app instances are. */
describe('leased limits', () => {
  let db: OpenTestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  const prefix = () => `lease-${randomBytes(4).toString('hex')}`;
  /** The clock stands still inside one window, so no spec straddles two. */
  let now = Date.UTC(2026, 0, 1, 12, 0, 30);
  const limit = (name: string, points: number) =>
    new LeasedLimit(db.connection.db!.collection(RATE_LIMIT_COLLECTION), name, { points, durationSeconds: 60 }, { now: () => now });
  /** Points taken from the shared counter: slots taken times the lease size. */
  const taken = async (name: string, leaseSize: number) =>
    (await db.connection.db!.collection(RATE_LIMIT_COLLECTION).countDocuments({ key: { $regex: `^${name}:` } })) * leaseSize;
  /** Spends `count` points one after another and counts those allowed. */
  const spendAll = (process: LeasedLimit, key: string, count: number) => countAllowed(count, () => process.spend(key));

  it('takes points from the shared counter a lease at a time', async () => {
    const name = prefix();
    const process = limit(name, 200);
    expect(process.leaseSize).toBe(10);
    await process.spend('k');
    expect(await taken(name, 10)).toBe(10);
    await spendAll(process, 'k', 9);
    expect(await taken(name, 10)).toBe(10);
    await process.spend('k');
    expect(await taken(name, 10)).toBe(20);
  });

  it('never lets two processes together allow more than the limit, and refuses at most a lease each early', async () => {
    const name = prefix();
    const [one, two] = [limit(name, 100), limit(name, 100)];
    const allowed = await Promise.all([spendAll(one, 'k', 80), spendAll(two, 'k', 80)]);
    const total = allowed[0]! + allowed[1]!;
    expect(total).toBeLessThanOrEqual(100);
    expect(total).toBeGreaterThanOrEqual(100 - 2 * one.leaseSize);
  });

  it('spends exactly the limit in one process, the last lease smaller than the others', async () => {
    const name = prefix();
    const process = limit(name, 47);
    expect(process.leaseSize).toBe(2);
    expect(await spendAll(process, 'k', 60)).toBe(47);
  });

  it('lets concurrent requests share one lease instead of each taking one', async () => {
    const name = prefix();
    const process = limit(name, 200);
    await Promise.all(Array.from({ length: 10 }, () => process.spend('k')));
    expect(await taken(name, 10)).toBe(10);
  });

  it('reports a key refused once no point is left, in the process that spent them and in another', async () => {
    const name = prefix();
    const [one, two] = [limit(name, 20), limit(name, 20)];
    expect(await spendAll(one, 'k', 20)).toBe(20);
    expect((await one.refusal('k'))?.msBeforeNext).toBe(30_000);
    expect(await two.refusal('k')).toBeDefined();
    expect(await two.spend('k').then(() => 'allowed', (err: unknown) => (isLimited(err) ? 'refused' : err))).toBe('refused');
  });

  it('reads whether a key is refused once for requests asking at once, and again for the next request', async () => {
    const name = prefix();
    const collection = db.connection.db!.collection(RATE_LIMIT_COLLECTION);
    const process = new LeasedLimit(collection as never, name, { points: 20, durationSeconds: 60 }, { now: () => now });
    const reads = jest.spyOn(collection, 'findOne');
    try {
      expect(await Promise.all(Array.from({ length: 10 }, () => process.refusal('k')))).toEqual(Array(10).fill(undefined));
      expect(reads).toHaveBeenCalledTimes(1);
      expect(await process.refusal('k')).toBeUndefined();
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      reads.mockRestore();
    }
  });

  it('finds the first free slot by search when other processes have taken many, with one failed insert', async () => {
    const name = prefix();
    const collection = db.connection.db!.collection(RATE_LIMIT_COLLECTION);
    const windowStart = now - (now % 60_000);
    const slot = (i: number) => `${name}:k:${windowStart}:${i}`;
    await collection.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: slot(i), key: slot(i) })) as never);
    const inserts = jest.spyOn(collection, 'insertOne');
    const newcomer = new LeasedLimit(collection as never, name, { points: 1_000_000, durationSeconds: 60 }, { now: () => now });
    expect(newcomer.leaseSize).toBe(100);
    await newcomer.spend('k');
    expect(await collection.findOne({ _id: slot(300) } as never)).not.toBeNull();
    expect(inserts).toHaveBeenCalledTimes(2);
    inserts.mockRestore();
  });

  it('starts every window afresh', async () => {
    const name = prefix();
    const process = limit(name, 20);
    expect(await spendAll(process, 'k', 25)).toBe(20);
    now += 60_000;
    expect(await process.refusal('k')).toBeUndefined();
    expect(await spendAll(process, 'k', 25)).toBe(20);
  });

  it('gives a cleared key its whole limit back, also in another process that saw it used up', async () => {
    const name = prefix();
    const [one, two] = [limit(name, 5), limit(name, 5)];
    expect(await spendAll(one, 'k', 3)).toBe(3);
    expect(await spendAll(two, 'k', 3)).toBe(2);
    await spendAll(two, 'other', 2);
    await one.clear('k');
    expect(await two.refusal('k')).toBeUndefined();
    expect(await spendAll(two, 'k', 7)).toBe(5);
    expect(await spendAll(one, 'k', 1)).toBe(0);
    // Only the cleared key: the other one's points stay spent.
    expect(await spendAll(one, 'other', 7)).toBe(3);
  });
});
