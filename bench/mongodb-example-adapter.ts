// oidc-provider's own example MongoDB adapter, ported to TypeScript for the fair baseline (bench/baseline-server.ts
// with --adapter=mongodb). Origin: example/adapters/mongodb.js in panva/node-oidc-provider, as it last stood
// before the examples moved to the project's discussions (commit 3c5ebe1, 2022; removed in ba806ca, 2025).
// Copyright (c) 2015 Filip Skokan, MIT licence. Kept as close to the original as the types allow: one
// collection per model, the payload as a sub-document, the same indexes, the same queries. Changes: the
// connection URI is passed in; lodash's snakeCase is a regular expression (model names are PascalCase); the
// original's `find(filter, { payload: 1 })` passes a projection where driver 4 and later take options, so it
// never projected, and the port leaves it out; the TTL index is asked for apart from the others (see below).
import { MongoClient, type Collection, type Db, type IndexDescription } from 'mongodb';
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  _id: string;
  payload: AdapterPayload;
  expiresAt?: Date;
}

let DB: Db | undefined;
let CLIENT: MongoClient | undefined;

const grantable = new Set(['access_token', 'authorization_code', 'refresh_token', 'device_code', 'backchannel_authentication_request']);

const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

class CollectionSet extends Set<string> {
  override add(name: string): this {
    const nu = this.has(name);
    super.add(name);
    if (!nu) {
      const collection = db().collection(name);
      const lookups: IndexDescription[] = [
        ...(grantable.has(name) ? [{ key: { 'payload.grantId': 1 } }] : []),
        ...(name === 'device_code' ? [{ key: { 'payload.userCode': 1 }, unique: true }] : []),
        ...(name === 'session' ? [{ key: { 'payload.uid': 1 }, unique: true }] : []),
      ];
      // The original asks for these and the TTL index in one call. FerretDB refuses TTL indexes, which would
      // fail the call and leave the baseline scanning for every lookup; apart, the lookups get their indexes
      // and only expiry is lost, which no bench run lasts long enough to need.
      if (lookups.length) collection.createIndexes(lookups).catch(console.error);
      // FerretDB answers NotImplemented (238) to the TTL index, which is expected here and not worth a stack trace.
      collection.createIndexes([{ key: { expiresAt: 1 }, expireAfterSeconds: 0 }]).catch((err: { code?: number }) => err.code === 238 || console.error(err));
    }
    return this;
  }
}

const collections = new CollectionSet();

function db(): Db {
  if (!DB) throw new Error('MongoExampleAdapter.connect() first');
  return DB;
}

export class MongoExampleAdapter implements Adapter {
  private readonly name: string;

  constructor(name: string) {
    this.name = snakeCase(name);
    // As in the original: indexes are created at runtime "just for demonstration purposes".
    collections.add(this.name);
  }

  async upsert(_id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    let expiresAt: Date | undefined;
    if (expiresIn) expiresAt = new Date(Date.now() + expiresIn * 1000);
    await this.coll().updateOne({ _id }, { $set: { payload, ...(expiresAt ? { expiresAt } : undefined) } }, { upsert: true });
  }

  async find(_id: string): Promise<AdapterPayload | undefined> {
    const result = await this.coll().find({ _id }).limit(1).next();
    if (!result) return undefined;
    return result.payload;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const result = await this.coll().find({ 'payload.userCode': userCode }).limit(1).next();
    if (!result) return undefined;
    return result.payload;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const result = await this.coll().find({ 'payload.uid': uid }).limit(1).next();
    if (!result) return undefined;
    return result.payload;
  }

  async destroy(_id: string): Promise<void> {
    await this.coll().deleteOne({ _id });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.coll().deleteMany({ 'payload.grantId': grantId });
  }

  async consume(_id: string): Promise<void> {
    await this.coll().findOneAndUpdate({ _id }, { $set: { 'payload.consumed': Math.floor(Date.now() / 1000) } });
  }

  coll(name?: string): Collection<Entry> {
    return MongoExampleAdapter.coll(name ?? this.name);
  }

  static coll(name: string): Collection<Entry> {
    return db().collection<Entry>(name);
  }

  // Not part of oidc-provider's adapter API: all initialisation happens before the adapter is given to the Provider.
  static async connect(uri: string): Promise<void> {
    const connection = await MongoClient.connect(uri);
    CLIENT = connection;
    DB = connection.db();
  }

  // Not in the original either, whose process ends with it: a spec that starts the baseline closes it.
  static async disconnect(): Promise<void> {
    await CLIENT?.close();
    CLIENT = undefined;
    DB = undefined;
  }
}
