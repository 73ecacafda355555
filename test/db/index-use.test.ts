import { Double, Int32, Long, MongoClient, ObjectId, type Collection, type Document, type Filter } from 'mongodb';
import { EARLIEST_EXPIRY, expiredBy } from '../../src/db/expiry.js';
import { connectTestDatabase, type TestDatabase } from '../support/database.js';
import { equalitySearchWidths, planOf, sortsAfterReading } from '../support/query-plan.js';

interface Paged {
  _id: string | number | ObjectId;
  tenantId: string | string[];
  n: number;
  door?: string;
}

interface Person {
  _id: string | ObjectId;
  tenantId: string | string[];
  emailHash?: string | string[];
  note?: string;
}

describe('lookups the local database answers through an index', () => {
  let testDb: TestDatabase;
  let client: MongoClient;
  let people: Collection<Person>;

  beforeAll(async () => {
    testDb = await connectTestDatabase();
    client = new MongoClient(testDb.uri, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    people = client.db().collection<Person>('people');
    await people.createIndex({ tenantId: 1, emailHash: 1 }, { name: 'tenantId_1_emailHash_1' });
    await people.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: `p${i}`, tenantId: `t${i % 4}`, emailHash: `h${i}` })));
  });

  afterAll(async () => {
    await client.close();
    await testDb.drop();
  });

  it('finds a document by a string _id through the _id index', async () => {
    expect(await people.findOne({ _id: 'p7' })).toEqual({ _id: 'p7', tenantId: 't3', emailHash: 'h7' });
    expect(planOf(await people.find({ _id: 'p7' }).explain())).toEqual({ indexes: ['_id_'], scans: false });
  });

  it('finds a document by an ObjectId _id through the _id index', async () => {
    const _id = new ObjectId();
    await people.insertOne({ _id, tenantId: 'oid' });
    expect(await people.findOne({ _id })).toEqual({ _id, tenantId: 'oid' });
    expect(planOf(await people.find({ _id }).explain())).toEqual({ indexes: ['_id_'], scans: false });
  });

  it('finds by _id through its index when the filter also names the tenant, and still applies the tenant', async () => {
    expect(planOf(await people.find({ _id: 'p5', tenantId: 't1' }).explain()).scans).toBe(false);
    expect(await people.findOne({ _id: 'p5', tenantId: 't1' })).toMatchObject({ _id: 'p5' });
    expect(await people.findOne({ _id: 'p5', tenantId: 't2' })).toBeNull();
  });

  it('finds by tenant and field through their compound index', async () => {
    expect(await people.find({ tenantId: 't2', emailHash: 'h6' }).toArray()).toEqual([{ _id: 'p6', tenantId: 't2', emailHash: 'h6' }]);
    const plan = planOf(await people.find({ tenantId: 't2', emailHash: 'h6' }).explain());
    expect(plan.scans).toBe(false);
    expect(plan.indexes).toEqual(['tenantId_1_emailHash_1']);
  });

  it('finds by the tenant alone through the leading field of the compound index', async () => {
    expect(await people.countDocuments({ tenantId: 't0' })).toBe(50);
    const plan = planOf(await people.find({ tenantId: 't0' }).explain());
    expect(plan.scans).toBe(false);
    expect(plan.indexes).toEqual(['tenantId_1_emailHash_1']);
  });

  it('applies the rest of the filter to what the index finds', async () => {
    await people.insertMany([
      { _id: 'n1', tenantId: 'notes', emailHash: 'same', note: 'a' },
      { _id: 'n2', tenantId: 'notes', emailHash: 'same', note: 'b' },
    ]);
    expect(await people.find({ tenantId: 'notes', emailHash: 'same', note: 'b' }).toArray()).toEqual([
      { _id: 'n2', tenantId: 'notes', emailHash: 'same', note: 'b' },
    ]);
    expect(await people.findOne({ tenantId: 'notes', emailHash: { $ne: 'same' } })).toBeNull();
  });

  it('still finds documents whose indexed field is an array holding the value, as MongoDB does', async () => {
    await people.insertMany([
      { _id: 'arr1', tenantId: 'arrays', emailHash: ['x', 'y'] },
      { _id: 'arr2', tenantId: ['arrays', 'other'], emailHash: 'y' },
      { _id: 'arr3', tenantId: ['arrays'], emailHash: ['y'] },
      { _id: 'arr4', tenantId: 'arrays', emailHash: 'z' },
    ]);
    const ids = async (filter: Partial<Record<keyof Person, string>>) =>
      (await people.find(filter as Document).toArray()).map((p) => p._id).sort();
    expect(await ids({ tenantId: 'arrays', emailHash: 'y' })).toEqual(['arr1', 'arr2', 'arr3']);
    expect(await ids({ tenantId: 'arrays' })).toEqual(['arr1', 'arr2', 'arr3', 'arr4']);
    expect(await ids({ tenantId: 'other', emailHash: 'y' })).toEqual(['arr2']);
  });

  it('finds a batch of documents by _id $in through the _id index, and still applies the rest of the filter', async () => {
    const ids = async (filter: Document) => (await people.find(filter).toArray()).map((p) => p._id).sort();
    expect(await ids({ _id: { $in: ['p1', 'p2', 'p3', 'absent'] } })).toEqual(['p1', 'p2', 'p3']);
    expect(await ids({ _id: { $in: ['p1', 'p2', 'p3'] }, tenantId: 't2' })).toEqual(['p2']);
    expect(await ids({ _id: { $in: ['p1', 'p2', 'p3'], $ne: 'p2' } })).toEqual(['p1', 'p3']);
    expect(planOf(await people.find({ _id: { $in: ['p1', 'p2', 'p3'] }, tenantId: 't2' }).explain())).toEqual({ indexes: ['_id_'], scans: false });
  });

  it('finds by a $in on the leading field of an index through that index, arrays holding a value included', async () => {
    await people.insertMany([
      { _id: 'in1', tenantId: 'in-a', emailHash: 'x' },
      { _id: 'in2', tenantId: 'in-b' },
      { _id: 'in3', tenantId: ['in-c', 'in-b'] },
      { _id: 'in4', tenantId: 'in-d' },
    ]);
    const ids = async (filter: Document) => (await people.find(filter).toArray()).map((p) => p._id).sort();
    expect(await ids({ tenantId: { $in: ['in-a', 'in-b'] } })).toEqual(['in1', 'in2', 'in3']);
    expect(await ids({ tenantId: { $in: ['in-a', 'in-b'] }, emailHash: 'x' })).toEqual(['in1']);
    const plan = planOf(await people.find({ tenantId: { $in: ['in-a', 'in-b'] } }).explain());
    expect(plan.scans).toBe(false);
    expect(plan.indexes).toEqual(['tenantId_1_emailHash_1']);
  });

  it('still answers an _id $in whose values the index cannot serve, by reading the collection', async () => {
    // A regular expression in $in matches by pattern, so no list of index keys can stand for it.
    const found = await people.find({ _id: { $in: [/^p1[01]$/, 'p2'] } }).toArray();
    expect(found.map((p) => p._id).sort()).toEqual(['p10', 'p11', 'p2']);
  });

  it('matches values JSON writes with escapes, by _id and by indexed field', async () => {
    const odd = `a<b>&'"\\/é😀\u2028 ${'\u0001'}`;
    await people.insertOne({ _id: odd, tenantId: odd, emailHash: odd });
    expect(await people.findOne({ _id: odd })).toMatchObject({ _id: odd });
    expect(await people.findOne({ tenantId: odd, emailHash: odd })).toMatchObject({ _id: odd });
    expect((await people.updateOne({ _id: odd }, { $set: { note: 'found' } })).modifiedCount).toBe(1);
    expect((await people.deleteOne({ _id: odd })).deletedCount).toBe(1);
    expect(await people.findOne({ tenantId: odd })).toBeNull();
  });

  describe('an $or whose branches an index serves', () => {
    // A person's door grants: their own and their roles', as a token's door claims read them.
    const grants: Document[] = [
      ...Array.from({ length: 200 }, (_, i) => ({ _id: `g-u${i}`, tenantId: 't', holderType: 'user', holderId: `u${i}` })),
      ...['r0', 'r1', 'r2', 'r3', 'r4'].map((r) => ({ _id: `g-${r}`, tenantId: 't', holderType: 'role', holderId: r })),
      { _id: 'g-array', tenantId: 't', holderType: 'user', holderId: ['u7', 'u8'] },
      { _id: 'g-array-type', tenantId: 't', holderType: ['user', 'role'], holderId: 'u9' },
      { _id: 'g-other-tenant', tenantId: 'o', holderType: 'user', holderId: 'u7' },
      { _id: 'g-noted', tenantId: 't', holderType: 'user', holderId: 'u1', note: 'x' },
    ];
    let indexed: Collection<Document>;
    let unindexed: Collection<Document>;

    beforeAll(async () => {
      indexed = client.db().collection('grants');
      unindexed = client.db().collection('grants_unindexed');
      await indexed.createIndex({ tenantId: 1, holderType: 1, holderId: 1 }, { name: 'tenantId_1_holderType_1_holderId_1' });
      await indexed.createIndex({ tenantId: 1, _id: 1 }, { name: 'tenantId_1__id_1' });
      await indexed.insertMany(grants);
      await unindexed.insertMany(grants);
    });

    const ids = async (collection: Collection<Document>, filter: Document) =>
      (await collection.find(filter, { sort: { _id: 1 } }).toArray()).map((d) => String(d._id));
    const holders = (user: string, roles: string[]) => [{ holderType: 'user', holderId: user }, { holderType: 'role', holderId: { $in: roles } }];

    it('finds exactly what a read of the whole collection finds', async () => {
      const filters: Document[] = [
        { tenantId: 't', $or: holders('u7', ['r1', 'r2']) },
        { tenantId: 't', $or: holders('u9', ['r4']) },
        { tenantId: 't', $or: [{ holderType: 'user', holderId: 'u1' }] },
        { tenantId: 't', $or: [{ holderType: 'user', holderId: 'u1' }, { note: 'x' }] },
        { tenantId: 't', holderType: 'user', $or: [{ holderType: 'role' }, { holderId: 'u3' }] },
        { tenantId: 'o', $or: holders('u7', []) },
        { $or: [{ tenantId: 't', holderType: 'role', holderId: 'r0' }, { _id: 'g-u5' }] },
      ];
      for (const filter of filters) {
        expect({ filter, found: await ids(indexed, filter) }).toEqual({ filter, found: await ids(unindexed, filter) });
      }
      expect(await ids(indexed, { tenantId: 't', $or: holders('u7', ['r1', 'r2']) })).toEqual(['g-array', 'g-r1', 'g-r2', 'g-u7']);
    });

    it("searches the index by each branch, not the tenant's every grant", async () => {
      const explained = await indexed.find({ tenantId: 't', $or: holders('u7', ['r1', 'r2']) }, { sort: { _id: 1 } }).explain();
      expect(planOf(explained).scans).toBe(false);
      // The user's grant by all three fields, the roles' by tenant and type (or all three): never by the tenant alone.
      const widths = equalitySearchWidths(explained);
      expect(widths.length).toBeGreaterThan(0);
      expect(Math.min(...widths)).toBeGreaterThanOrEqual(2);
    });
  });

  describe('a page in _id order', () => {
    // Plain ids, as the app makes them, in every tenant; then, per tenant, ids whose text in the local database's
    // index sorts unlike MongoDB orders them: escaped characters (a control character, '"', '\', '<', U+2028),
    // ' ' and '!' (below the closing quote), ObjectIds (after every string) and numbers (before every string).
    const plainIds = Array.from({ length: 90 }, (_, i) => `u${String(i).padStart(3, '0')}${'abcdefghij'[i % 10]}`);
    const tricky: Record<string, (string | number | ObjectId)[]> = {
      plain: [],
      // sorted as text after every other id (all start with 'u0'), past the first chunk the server reads
      hidden: ['u0\u0001', 'u0'],
      escaped: ['u0\u0001', 'u00"q', 'u00\\b', 'u01<', 'u02\u2028', 'u0', 'u010\u0001x'],
      spaces: ['u00 x', 'u00!', 'u00', 'u05 ', 'u050!z'],
      objectids: [new ObjectId('5f0000000000000000000001'), new ObjectId('000000000000000000000002')],
      numbers: [7, -1, 2.5],
      mixed: ['u0\u0001', 'u00 x', new ObjectId('5f0000000000000000000003'), 'é', '\u007f', 'u0'],
      // above the bound of the next page's query ($gt 'u045f'), yet sorted below it as text
      beyond: ['u045\u2028', 'u04\u2028', 'u045g'],
    };
    let indexed: Collection<Paged>;
    let unindexed: Collection<Paged>;

    beforeAll(async () => {
      indexed = client.db().collection<Paged>('paged');
      unindexed = client.db().collection<Paged>('paged_unindexed');
      await indexed.createIndex({ tenantId: 1, _id: 1 }, { name: 'tenantId_1__id_1' });
      await indexed.createIndex({ tenantId: 1, door: 1 }, { name: 'tenantId_1_door_1' });
      // Each tenant's string ids start with the tenant's name, which keeps them apart and sorts alike both ways.
      const unique = Object.entries(tricky).flatMap(([tenantId, ids]) =>
        [...plainIds, ...ids].map((id, i) => ({ _id: typeof id === 'string' ? `${tenantId}:${id}` : id, tenantId, n: 1, door: i % 30 ? 'main' : 'lab' })),
      );
      await indexed.insertMany(unique);
      await unindexed.insertMany(unique);
    });

    const page = async (collection: Collection<Paged>, filter: Filter<Paged>, limit: number, order: 1 | -1 = 1) =>
      (await collection.find(filter, { sort: { _id: order }, limit }).toArray()).map((d) => d._id);

    it('is in the order MongoDB gives, whatever the ids hold, with or without a bound, either way', async () => {
      for (const tenantId of Object.keys(tricky)) {
        for (const limit of [1, 5, 50, 0]) {
          const filters: Filter<Paged>[] = [{ tenantId }, { tenantId, _id: { $gt: `${tenantId}:u045f` } }, { tenantId, _id: { $gte: `${tenantId}:u0` } }, { tenantId, n: 1 }];
          for (const filter of filters) {
            for (const order of [1, -1] as const) {
              expect({ filter, limit, order, ids: await page(indexed, filter, limit, order) }).toEqual({ filter, limit, order, ids: await page(unindexed, filter, limit, order) });
            }
          }
        }
      }
      expect((await page(indexed, { tenantId: 'hidden' }, 3)).map(String)).toEqual(['hidden:u0', 'hidden:u0\u0001', 'hidden:u000a']);
      expect((await page(indexed, { tenantId: 'escaped' }, 3)).map(String)).toEqual(['escaped:u0', 'escaped:u0\u0001', 'escaped:u00"q']);
      expect((await page(indexed, { tenantId: 'spaces' }, 3)).map(String)).toEqual(['spaces:u00', 'spaces:u00 x', 'spaces:u00!']);
      expect((await page(indexed, { tenantId: 'numbers' }, 2)).map(String)).toEqual(['-1', '2.5']);
      expect((await page(indexed, { tenantId: 'beyond', _id: { $gt: 'beyond:u045f' } }, 2)).map(String)).toEqual(['beyond:u045g', 'beyond:u045\u2028']);
    });

    it("includes a document whose tenantId is an array holding the tenant, as MongoDB's equality does", async () => {
      // Held by the index apart from the tenant's other documents (an array's text), and first in _id order.
      const docs: Paged[] = [...plainIds.map((id) => ({ _id: `shared:${id}`, tenantId: 'shared', n: 1 })), { _id: 'shared:u', tenantId: ['shared', 'elsewhere'], n: 1 }];
      const [withIndex, without] = [client.db().collection<Paged>('paged_shared'), client.db().collection<Paged>('paged_shared_unindexed')];
      await withIndex.createIndex({ tenantId: 1, _id: 1 }, { name: 'tenantId_1__id_1' });
      await withIndex.insertMany(docs);
      await without.insertMany(docs);
      for (const limit of [2, 0]) expect(await page(withIndex, { tenantId: 'shared' }, limit)).toEqual(await page(without, { tenantId: 'shared' }, limit));
      expect((await page(withIndex, { tenantId: 'shared' }, 2)).map(String)).toEqual(['shared:u', 'shared:u000a']);
    });

    it('pages through a tenant by cursor in the same order as one read of all of it', async () => {
      for (const tenantId of ['plain', 'hidden', 'escaped', 'spaces']) {
        const all = await page(unindexed, { tenantId }, 0);
        const paged: Paged['_id'][] = [];
        for (let cursor: Paged['_id'] | undefined; paged.length < all.length + 1; ) {
          const next = await page(indexed, cursor === undefined ? { tenantId } : { tenantId, _id: { $gt: cursor } }, 7);
          if (!next.length) break;
          paged.push(...next);
          cursor = next[next.length - 1];
        }
        expect({ tenantId, paged }).toEqual({ tenantId, paged: all });
      }
    });

    it("reads a door's few documents through the index that selects them, and sorts those, rather than walk the tenant in order", async () => {
      const filter = { tenantId: 'plain', door: 'lab' };
      expect((await page(indexed, filter, 50)).map(String)).toEqual(['plain:u000a', 'plain:u030a', 'plain:u060a']);
      expect(planOf(await indexed.find(filter, { sort: { _id: 1 }, limit: 50 }).explain()).indexes).toEqual(['tenantId_1_door_1']);
    });

    it("reads a tenant's page through the index in order, without sorting the tenant's documents", async () => {
      for (const filter of [{ tenantId: 'plain' }, { tenantId: 'plain', _id: { $gt: 'plain:u045f' } }]) {
        const explained = await indexed.find(filter, { sort: { _id: 1 }, limit: 50 }).explain();
        expect({ filter, plan: planOf(explained), sorts: sortsAfterReading(explained) }).toEqual({
          filter,
          plan: { indexes: ['tenantId_1__id_1'], scans: false },
          sorts: false,
        });
      }
    });
  });

  describe('a date range on the leading field of an index', () => {
    const now = new Date('2026-12-05T00:00:00Z');
    const second = 1000;
    // Shapes whose text in the local database's index sorts unlike their value: fewer digits (before 2001-09-09,
    // and just after 1970), more digits (after 2286), negative (before 1970), and what is not a date at all.
    const tricky: Document[] = [
      { _id: 'past', when: new Date(now.getTime() - second) },
      { _id: 'now', when: now },
      { _id: 'soon', when: new Date(now.getTime() + second) },
      { _id: 'first-13-digits', when: EARLIEST_EXPIRY },
      { _id: '1999', when: new Date('1999-12-31T23:59:59Z') },
      { _id: '1970-8-digits', when: new Date(17_333_568) },
      { _id: 'epoch', when: new Date(0) },
      { _id: '1960', when: new Date('1960-01-01T00:00:00Z') },
      { _id: '2300', when: new Date('2300-01-01T00:00:00Z') },
      { _id: 'double-as-ms', when: new Double(now.getTime() - second) },
      { _id: 'long-as-ms', when: Long.fromNumber(now.getTime() - second) },
      { _id: 'int', when: new Int32(5) },
      { _id: 'string', when: '2020-01-01' },
      { _id: 'digits-string', when: '1' },
      { _id: 'null', when: null },
      { _id: 'missing' },
      { _id: 'true', when: true },
      { _id: 'object', when: { at: new Date(0) } },
      { _id: 'empty-array', when: [] },
      { _id: 'array-past', when: ['x', new Date(now.getTime() - second)] },
      { _id: 'array-1999', when: [new Date('1999-01-01T00:00:00Z')] },
      { _id: 'array-soon', when: [new Date(now.getTime() + second)] },
      { _id: 'array-number', when: [5] },
    ];
    let indexed: Collection<Document>;
    let unindexed: Collection<Document>;

    beforeAll(async () => {
      indexed = client.db().collection('dated');
      unindexed = client.db().collection('dated_unindexed');
      await indexed.createIndex({ when: 1 }, { name: 'when_1' });
      await indexed.insertMany(tricky);
      await unindexed.insertMany(tricky);
    });

    const ids = async (collection: Collection<Document>, filter: Document) =>
      (await collection.find(filter).toArray()).map((d) => String(d._id)).sort();

    it('finds exactly what a read of the whole collection finds, whatever the field holds', async () => {
      const filters: Document[] = [
        { when: { $lte: now } },
        { when: { $lt: now } },
        { when: { $gte: now } },
        { when: { $gt: now } },
        { when: expiredBy(now) },
        { when: { $gt: new Date(0), $lt: new Date('2000-01-01T00:00:00Z') } },
        { when: { $gte: new Date('1999-12-31T23:59:59Z') } },
        { when: { $lte: new Date('1999-12-31T23:59:59Z') } },
        { when: { $lte: new Date(17_333_568) } },
        { when: { $gte: new Date('2200-01-01T00:00:00Z') } },
        { when: { $lte: new Date(-1000) } },
        { when: { $gte: new Date(-1000), $lt: now } },
        { when: { $lte: now, $ne: new Date(0) } },
        { when: { $lte: now, $exists: true }, _id: { $ne: 'past' } },
      ];
      for (const filter of filters) {
        expect({ filter, found: await ids(indexed, filter) }).toEqual({ filter, found: await ids(unindexed, filter) });
      }
      expect(await ids(indexed, { when: { $lte: now } })).toEqual(
        ['1960', '1970-8-digits', '1999', 'array-1999', 'array-past', 'epoch', 'first-13-digits', 'now', 'past'].sort(),
      );
      expect(await ids(indexed, { when: { $gt: now } })).toEqual(['2300', 'array-soon', 'soon']);
    });

    it('leaves out, below the earliest expiry, only dates no expiry can have', async () => {
      expect(await ids(indexed, { when: expiredBy(now) })).toEqual(['array-past', 'first-13-digits', 'now', 'past']);
    });

    it('finds expired entries through the index, without reading the collection', async () => {
      for (const filter of [{ when: expiredBy(now) }, { when: { $lte: now } }, { when: { $gt: now } }]) {
        expect({ filter, plan: planOf(await indexed.find(filter).explain()) }).toEqual({ filter, plan: { indexes: ['when_1'], scans: false } });
      }
    });

    it('deletes by the range what it finds by it', async () => {
      const doomed = client.db().collection('dated_doomed');
      await doomed.createIndex({ when: 1 }, { name: 'when_1' });
      await doomed.insertMany(tricky);
      expect((await doomed.deleteMany({ when: expiredBy(now) })).deletedCount).toBe(4);
      expect(await ids(doomed, {})).toEqual(tricky.map((d) => String(d._id)).filter((id) => !['array-past', 'first-13-digits', 'now', 'past'].includes(id)).sort());
    });
  });
});
