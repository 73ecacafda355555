import { isDuplicateKey } from '../../src/db/duplicate-key.js';
import { ensureUserEmailIndex } from '../../src/users/user-email-index.js';
import { openTestDatabase, type OpenTestDatabase } from '../support/database.js';

/** The unique email index as this server builds it: what one user per email rests on, on MongoDB and FerretDB alike. */
describe('the unique email index', () => {
  let db: OpenTestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.drop());

  const probe = async () => {
    const collection = db.connection.db!.collection<{ _id: string; tenantId: string; emailHash?: string }>(`probe_${Math.random().toString(36).slice(2)}`);
    await ensureUserEmailIndex(collection as never, db.capabilities);
    return collection;
  };

  it('lets exactly one of concurrent inserts of one tenant and hash in, the others refused as duplicates', async () => {
    const users = await probe();
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => users.insertOne({ _id: `u${i}`, tenantId: 't', emailHash: 'h' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(isDuplicateKey(r.reason)).toBe(true);
    // The same hash in another tenant is another person.
    await users.insertOne({ _id: 'other', tenantId: 't2', emailHash: 'h' });
  });

  it('lets exactly one of concurrent changes to one hash through', async () => {
    const users = await probe();
    await users.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `u${i}`, tenantId: 't', emailHash: `h${i}` })));
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => users.updateOne({ _id: `u${i}` }, { $set: { emailHash: 'same' } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    // FerretDB words some of these refusals as its backend's, which must still read as a duplicate key.
    for (const r of results) if (r.status === 'rejected') expect(isDuplicateKey(r.reason)).toBe(true);
    expect(await users.countDocuments({ emailHash: 'same' })).toBe(1);
  });

  it('never lets documents without a hash (anonymized users) collide', async () => {
    const users = await probe();
    await users.insertMany([
      { _id: 'a1', tenantId: 't' },
      { _id: 'a2', tenantId: 't' },
    ]);
    expect(await users.countDocuments({ tenantId: 't' })).toBe(2);
  });

  it('replaces the non-unique index of earlier versions', async () => {
    const users = db.connection.db!.collection('probe_legacy');
    await users.createIndex({ tenantId: 1, emailHash: 1 }, { name: 'tenantId_1_emailHash_1' });
    await ensureUserEmailIndex(users, db.capabilities);
    const names = (await users.indexes()).map((index) => index.name);
    expect(names).toContain('tenantId_emailHash_unique');
    expect(names).not.toContain('tenantId_1_emailHash_1');
  });
});
