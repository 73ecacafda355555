import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Db } from 'mongodb';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import { ipPseudonym } from '../crypto/ip-pseudonym.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { DatabaseCapabilities } from '../db/capabilities.js';
import { expiredBy } from '../db/expiry.js';
import { LeasedLimit } from './leased-limit.js';

/**
 * Counters of rate limits and sign-in failures, in MongoDB so that every process of a deployment counts the
 * same requests: rate-limiter-flexible's RateLimiterMongo counters (`{ key, points, expire }`, for the account
lockout, which needs exact counts) and the slots of leased limits (`{ _id, key, expire }`, leased-limit.ts: the
per-IP sign-in limit and the token limits, which only need their bound). Not a model of
 * the registry: no tenant scope (a per-IP limit spans tenants; tenant-bound keys carry the tenant id), nothing
 * worth a backup, and no subject id: keys are keyed hashes (IP addresses, email blind indexes) that live for
 * one window, 24 hours at most.
 */
export const RATE_LIMIT_COLLECTION = 'rate_limits';

/**
 * The limiter never creates its own indexes (`disableIndexesCreation`): it would ask for a TTL index, which
 * FerretDB lacks. Expired counters are removed by the server where it can, else by `sweepIfDue`; reads and
 * increments ignore an expired counter either way. The unique key is what the limiter's correctness rests on:
 * an expired counter is replaced in place when an insert of its key fails on it, and two processes cannot
 * each start a counter of their own for one key.
 */
export async function ensureRateLimitIndexes(db: Db, capabilities: DatabaseCapabilities): Promise<void> {
  const collection = db.collection(RATE_LIMIT_COLLECTION);
  await collection.createIndex({ key: 1 }, { unique: true, name: 'key_unique' });
  const options = capabilities.ttlIndexes ? { expireAfterSeconds: 0, name: 'expire_ttl' } : { name: 'expire_1' };
  await collection.createIndex({ expire: 1 }, options);
}

/** A counter (`points` counted) or a leased limit's slot (no points) as stored. */
export interface Counter {
  key: string;
  points?: number;
  expire?: Date | null;
}

export interface RateLimit {
  points: number;
  durationSeconds: number;
}

const SWEEP_INTERVAL_MS = 60_000;
const IP_KEYS_HELD = 10_000;

export class RateLimitStore {
  /** A KeyObject: every token request hashes its address with it (see crypto/aes-gcm.ts on raw keys). */
  private readonly ipSecret: KeyObject;
  /** Pseudonyms of recent addresses: most requests come from an address seen moments ago. Emptied when full. */
  private readonly ipKeys = new Map<string, string>();
  private lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly capabilities: DatabaseCapabilities,
    masterKey: MasterKey,
  ) {
    this.ipSecret = createSecretKey(masterKey.derive('rate-limit-ip'));
  }

  /** One named limit; `prefix` keeps its counters apart from every other limit's. */
  limiter(prefix: string, limit: RateLimit): RateLimiterMongo {
    return new RateLimiterMongo({
      storeClient: this.db,
      tableName: RATE_LIMIT_COLLECTION,
      disableIndexesCreation: true,
      keyPrefix: prefix,
      points: limit.points,
      duration: limit.durationSeconds,
    });
  }

  /** A limit whose points each process takes in leases (leased-limit.ts), for keys busy enough to need it. */
  leased(prefix: string, limit: RateLimit): LeasedLimit {
    return new LeasedLimit(this.db.collection(RATE_LIMIT_COLLECTION), prefix, limit);
  }

  /**
   * An IP address as a counter key: keyed HMAC, so the collection holds no addresses (personal data) and the
   * key cannot be reversed by trying all four billion of them.
   */
  ipKey(ip: string): string {
    let key = this.ipKeys.get(ip);
    if (key === undefined) {
      if (this.ipKeys.size >= IP_KEYS_HELD) this.ipKeys.clear();
      this.ipKeys.set(ip, (key = ipPseudonym(this.ipSecret, ip)));
    }
    return key;
  }

  /**
   * Counters and slots by their `key` (a slot's equals its `_id`), in one read however many: a request that
   * consults several brakes pays one round trip. Expired ones are returned too; the caller reads `expire`.
   */
  async findByKeys(keys: string[]): Promise<Counter[]> {
    const filter = keys.length === 1 ? { key: keys[0] } : { key: { $in: keys } };
    return this.db.collection<Counter>(RATE_LIMIT_COLLECTION).find(filter, { projection: { _id: 0, key: 1, points: 1, expire: 1 } }).toArray();
  }

  /**
   * Removes, in one command through the unique `key` index, the counters and slots of `keys` (a counter's key
   * is `<prefix>:<key>`, as `limiter()` stores it; a slot's is its `_id`, LeasedLimit.slotIdsOf).
   */
  async clearAll(keys: string[]): Promise<void> {
    await this.db.collection(RATE_LIMIT_COLLECTION).deleteMany({ key: { $in: keys } });
  }

  /** Where the server has no TTL index, removes expired counters, at most once a minute per process. */
  async sweepIfDue(): Promise<void> {
    if (this.capabilities.ttlIndexes || Date.now() - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = Date.now();
    await this.db.collection(RATE_LIMIT_COLLECTION).deleteMany({ expire: expiredBy() });
  }
}

/** A refused `consume` rejects with the limiter's state, any other rejection is a storage failure. */
export function isLimited(err: unknown): err is RateLimiterRes {
  return err instanceof RateLimiterRes;
}

/** For spending past a limit where the request has been answered already: the next one is refused. */
export function ignoreLimited(err: unknown): void {
  if (!isLimited(err)) throw err;
}

/** Whole seconds until a limited key may try again, at least one. */
export function retryAfterSeconds(res: Pick<RateLimiterRes, 'msBeforeNext'>): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
