import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { startLocalDatabase, type LocalDatabase } from '../../src/db/local-database.js';
import { connectTestDatabase } from '../support/database.js';

const toolsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.tools');

async function withClient<T>(uri: string, work: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.close();
  }
}

const notes = (client: MongoClient) => client.db('launcher').collection<{ _id: string; n: number }>('notes');

describe('local database launcher', () => {
  let scratch: string;
  const running: LocalDatabase[] = [];

  async function start(dataDir: string, ephemeral = false): Promise<LocalDatabase> {
    const database = await startLocalDatabase({ dataDir, toolsDir, ephemeral });
    running.push(database);
    return database;
  }

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'idp-launcher-test-'));
  });

  afterAll(async () => {
    await Promise.all(running.map((database) => database.stop()));
    rmSync(scratch, { recursive: true, force: true });
  });

  it('starts a server whose URI answers ping', async () => {
    const database = await start(join(scratch, 'ping'), true);
    expect(['mongod', 'memory-server', 'ferretdb']).toContain(database.kind);
    const reply = await withClient(database.uri, (client) => client.db('admin').command({ ping: 1 }));
    expect(reply.ok).toBe(1);
  }, 180_000);

  it('keeps data across a stop and a restart with the same data dir', async () => {
    const dataDir = join(scratch, 'persistent');
    const first = await start(dataDir);
    await withClient(first.uri, (client) => notes(client).insertOne({ _id: 'kept', n: 1 }));
    await first.stop();

    const second = await start(dataDir);
    const found = await withClient(second.uri, (client) => notes(client).findOne({ _id: 'kept' }));
    expect(found).toMatchObject({ n: 1 });
    await second.stop();
  }, 120_000);

  it('removes the data dir of an ephemeral server on stop', async () => {
    const dataDir = join(scratch, 'ephemeral');
    const database = await start(dataDir, true);
    await database.stop();
    expect(existsSync(dataDir)).toBe(false);
  }, 120_000);

  it('runs two servers side by side on different ports without collisions', async () => {
    const [a, b] = await Promise.all([start(join(scratch, 'a'), true), start(join(scratch, 'b'), true)]);
    expect(a.uri).not.toBe(b.uri);
    await withClient(a.uri, (client) => client.db('side').collection('c').insertOne({ from: 'a' }));
    await withClient(b.uri, (client) => client.db('side').collection('c').insertOne({ from: 'b' }));
    const inA = await withClient(a.uri, (client) => client.db('side').collection('c').find({}, { projection: { _id: 0 } }).toArray());
    const inB = await withClient(b.uri, (client) => client.db('side').collection('c').find({}, { projection: { _id: 0 } }).toArray());
    expect(inA).toEqual([{ from: 'a' }]);
    expect(inB).toEqual([{ from: 'b' }]);
  }, 120_000);
});

describe('test database helper', () => {
  it('gives each caller its own database on the run\'s server and drops it', async () => {
    const [one, two] = await Promise.all([connectTestDatabase(), connectTestDatabase()]);
    expect(one.dbName).not.toBe(two.dbName);
    await withClient(one.uri, (client) => client.db().collection('c').insertOne({ n: 1 }));
    const listed = await withClient(one.uri, (client) => client.db().admin().listDatabases());
    expect(listed.databases.map((db) => db.name)).toContain(one.dbName);
    await one.drop();
    await two.drop();
    const after = await withClient(one.uri, (client) => client.db().admin().listDatabases());
    expect(after.databases.map((db) => db.name)).not.toContain(one.dbName);
  });
});
