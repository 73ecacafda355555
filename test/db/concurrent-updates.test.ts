import { MongoClient, type Collection } from 'mongodb';
import { connectTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * Updates that race on one document must all take effect: a tenant's configVersion is bumped with $inc by every
 * change, and each process rebuilds its provider when it sees the number move (src/tenants/tenant.service.ts).
 */
describe('concurrent updates of one document', () => {
  const CONCURRENT = 400;
  let testDb: TestDatabase;
  let client: MongoClient;
  let counters: Collection<{ _id: string; n: number }>;

  beforeAll(async () => {
    testDb = await connectTestDatabase();
    // Many connections, so the server really handles the updates at the same time.
    client = new MongoClient(testDb.uri, { serverSelectionTimeoutMS: 5000, maxPoolSize: 50 });
    await client.connect();
    counters = client.db().collection('counters');
  });

  afterAll(async () => {
    await client.close();
    await testDb.drop();
  });

  it(`loses none of ${CONCURRENT} concurrent $inc by updateOne`, async () => {
    await counters.insertOne({ _id: 'update', n: 0 });
    const results = await Promise.all(Array.from({ length: CONCURRENT }, () => counters.updateOne({ _id: 'update' }, { $inc: { n: 1 } })));
    expect(results.filter((r) => r.modifiedCount === 1)).toHaveLength(CONCURRENT);
    expect(await counters.findOne({ _id: 'update' })).toEqual({ _id: 'update', n: CONCURRENT });
  }, 120_000);

  it(`gives each of ${CONCURRENT} concurrent findOneAndUpdate $inc its own value`, async () => {
    await counters.insertOne({ _id: 'claim', n: 0 });
    const seen = await Promise.all(
      Array.from({ length: CONCURRENT }, () => counters.findOneAndUpdate({ _id: 'claim' }, { $inc: { n: 1 } }, { returnDocument: 'after' })),
    );
    const values = seen.map((doc) => doc?.n).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(values).toEqual(Array.from({ length: CONCURRENT }, (_, i) => i + 1));
    expect(await counters.findOne({ _id: 'claim' })).toEqual({ _id: 'claim', n: CONCURRENT });
  }, 120_000);

  it('keeps both of two concurrent $set of different fields', async () => {
    await counters.insertOne({ _id: 'fields', n: 0 });
    const fields = Array.from({ length: 50 }, (_, i) => `f${i}`);
    await Promise.all(fields.map((f) => counters.updateOne({ _id: 'fields' }, { $set: { [f]: true } })));
    const doc = (await counters.findOne({ _id: 'fields' })) as Record<string, unknown> | null;
    expect(fields.filter((f) => doc?.[f] !== true)).toEqual([]);
  }, 120_000);
});
