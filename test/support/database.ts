import { randomBytes } from 'node:crypto';
import { EJSON } from 'bson';
import { MongoClient, type Db } from 'mongodb';
import { connectDatabase, type ConnectOptions, type Database } from '../../src/db/database.js';

export interface TestDatabase {
  /** Connection string whose path names this test file's own database. */
  uri: string;
  dbName: string;
  drop(): Promise<void>;
}

/** The server of this run: an explicit MONGODB_URI, else the one global-setup.ts started. */
function serverUri(): string {
  const uri = process.env.MONGODB_URI ?? process.env.IDP_TEST_MONGODB_URI;
  if (!uri) throw new Error('No test database: set MONGODB_URI or run the tests through jest (globalSetup starts one).');
  return uri;
}

/**
 * Puts dbName into the path of a mongodb:// or mongodb+srv:// URI. The host list may hold several
 * comma-separated hosts, which WHATWG URL cannot parse, hence the manual split. A database already in the
 * path was also the authentication database, so it is kept as authSource.
 */
export function withDatabaseName(uri: string, dbName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB connection string: ${uri}`);
  const [, authority, path = '', query = ''] = match;
  const params = query.split('&').filter(Boolean);
  const originalDb = decodeURIComponent(path);
  if (originalDb && !params.some((p) => p.toLowerCase().startsWith('authsource='))) {
    params.push(`authSource=${encodeURIComponent(originalDb)}`);
  }
  return `${authority}/${encodeURIComponent(dbName)}${params.length ? `?${params.join('&')}` : ''}`;
}

/** A database of its own for the calling test file, so files running in parallel never share data. */
export async function connectTestDatabase(): Promise<TestDatabase> {
  const dbName = `idp_test_${randomBytes(6).toString('hex')}`;
  const uri = withDatabaseName(serverUri(), dbName);
  return {
    uri,
    dbName,
    async drop() {
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
      try {
        await client.connect();
        await client.db(dbName).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

/** Every document of every collection as the server holds it, as extended JSON: what a copy of the database shows. */
export async function rawDocuments(db: Db): Promise<{ collection: string; text: string }[]> {
  const found: { collection: string; text: string }[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    for (const doc of await db.collection(name).find({}).toArray()) found.push({ collection: name, text: EJSON.stringify(doc) });
  }
  return found;
}

export type OpenTestDatabase = Database & { drop(): Promise<void> };

/** This file's own database, opened through the data layer (models, indexes, capabilities); `drop` closes it too. */
export async function openTestDatabase(options: ConnectOptions = {}): Promise<OpenTestDatabase> {
  const testDb = await connectTestDatabase();
  const db = await connectDatabase(testDb.uri, options);
  return {
    ...db,
    async drop() {
      await db.close();
      await testDb.drop();
    },
  };
}
