import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Db } from 'mongodb';
import { ferretdbBinary } from '../../src/db/launcher/binaries.js';
import { freePort, startServerProcess, type ServerProcess } from '../../src/db/launcher/server-process.js';
import { ferretdbArgs } from '../../src/db/local-database.js';

const toolsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.tools');

/**
 * SQLite has one write lock per database file, and a writer that finds it taken sleeps in SQLite's busy handler
 * (1, 2, 5, 10... ms) however soon it is freed. The local FerretDB build queues its own writers for the lock
 * instead (the seventh patch), so none of them ever finds it taken. Shown here with the busy timeout at 0, where
 * a writer that found the lock taken would be refused at once ("database is locked"): concurrent writes of every
 * kind, to several collections, all succeed. The build before the patch refuses many of them.
 */
describe('concurrent writes to the local FerretDB', () => {
  const WRITERS = 200;
  let dataDir: string;
  let server: ServerProcess;
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'idp-writers-'));
    const binary = await ferretdbBinary(toolsDir, () => undefined);
    const port = await freePort();
    server = await startServerProcess(binary, ferretdbArgs(dataDir, port, '?_pragma=busy_timeout(0)'), port);
    client = new MongoClient(`mongodb://127.0.0.1:${port}`, { serverSelectionTimeoutMS: 5000, maxPoolSize: 100 });
    await client.connect();
    db = client.db('writers');
    // The collections exist before the race, so only writes of documents take part in it.
    for (const name of ['entries', 'counters', 'events']) await db.createCollection(name);
    await db.collection<{ _id: string; n: number }>('counters').insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `c${i}`, n: 0 })));
    await db.collection<{ _id: string }>('events').insertMany(Array.from({ length: WRITERS }, (_, i) => ({ _id: `e${i}` })));
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`refuses none of ${WRITERS * 4} concurrent inserts, updates, upserts and deletes`, async () => {
    const entries = db.collection<{ _id: string; n?: number; kind?: string }>('entries');
    const counters = db.collection<{ _id: string; n: number }>('counters');
    const events = db.collection<{ _id: string }>('events');
    const writes = Array.from({ length: WRITERS }, (_, i) => [
      entries.insertOne({ _id: `inserted-${i}`, n: i }),
      counters.updateOne({ _id: `c${i % 10}` }, { $inc: { n: 1 } }),
      entries.updateOne({ _id: `upserted-${i}` }, { $set: { n: i }, $setOnInsert: { kind: 'upsert' } }, { upsert: true }),
      events.deleteOne({ _id: `e${i}` }),
    ]).flat();
    const refused = (await Promise.allSettled(writes)).flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
    expect(refused).toEqual([]);

    expect(await entries.countDocuments({})).toBe(WRITERS * 2);
    expect((await counters.find({}).toArray()).map((counter) => counter.n)).toEqual(Array.from({ length: 10 }, () => WRITERS / 10));
    expect(await events.countDocuments({})).toBe(0);
  }, 120_000);
});
