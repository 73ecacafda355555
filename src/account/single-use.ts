import type { Collection, Db } from 'mongodb';
import type { Connection } from 'mongoose';
import type { DatabaseCapabilities } from '../db/capabilities.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { expiredBy } from '../db/expiry.js';

interface KeyDoc {
  _id: string;
  at: Date;
}

/** A key is only needed while a request could still act on a read made before the key's owner finished. */
const KEY_RETENTION_MS = 24 * 60 * 60_000;
const COLLECTION = 'single_use_keys';

/** Keys are swept by age: by the server itself where it has TTL indexes, else by `sweep`, through the same index. */
export async function ensureSingleUseIndexes(db: Db, capabilities: DatabaseCapabilities): Promise<void> {
  const options = capabilities.ttlIndexes ? { expireAfterSeconds: KEY_RETENTION_MS / 1000, name: 'at_ttl' } : { name: 'at_1' };
  await db.collection(COLLECTION).createIndex({ at: 1 }, options);
}

/**
 * "Exactly one caller gets this", across processes and on every server. A conditional update would do on
 * MongoDB, but FerretDB applies it as a read and a write that two requests can interleave, so both would win.
 * An insert into a unique key is atomic everywhere: whoever inserts the key owns the thing it names (a link's
 * use, a mail's delivery attempt); everyone else gets the duplicate-key error. Keys name ids, never personal data.
 */
export class SingleUse {
  constructor(private readonly keys: Collection<KeyDoc>) {}

  static on(connection: Connection): SingleUse {
    return new SingleUse(connection.db!.collection<KeyDoc>(COLLECTION));
  }

  async take(key: string): Promise<boolean> {
    try {
      await this.keys.insertOne({ _id: key, at: new Date() });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Gives a key back after what it guarded was undone, so the thing can be taken again. */
  async release(key: string): Promise<void> {
    await this.keys.deleteOne({ _id: key });
  }

  async sweep(now = new Date()): Promise<void> {
    await this.keys.deleteMany({ at: expiredBy(new Date(now.getTime() - KEY_RETENTION_MS)) });
  }
}
