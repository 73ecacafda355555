import type { Collection } from 'mongodb';
import type { DatabaseCapabilities } from '../db/capabilities.js';

/** The index that keeps one live user per email and tenant (its blind index, `emailHash`). */
export const USER_EMAIL_INDEX = 'tenantId_emailHash_unique';
/** Its non-unique predecessor, which the service's check-then-insert relied on and two requests at once got past. */
const LEGACY_INDEX = 'tenantId_1_emailHash_1';

/**
 * Anonymized users have no `emailHash`, and must not collide with one another. MongoDB would index a missing
 * field as null, so there the index is partial (documents with a hash only); FerretDB v1 has no partial
 * indexes, but its unique indexes never let documents missing the field collide (test/db/unique-index.test.ts).
 * Both refuse the second of two concurrent writes of one pair with a duplicate-key error. Created at startup;
 * a database that already holds two users of one email refuses it, and startup stops with the server's error
 * naming the pair, for an operator to resolve.
 */
export async function ensureUserEmailIndex(users: Collection, capabilities: DatabaseCapabilities): Promise<void> {
  const existing = await users.indexes().catch(noCollectionYet);
  if (existing.some((index) => index.name === LEGACY_INDEX)) await users.dropIndex(LEGACY_INDEX);
  const partial = capabilities.partialIndexes ? { partialFilterExpression: { emailHash: { $type: 'string' } } } : {};
  await users.createIndex({ tenantId: 1, emailHash: 1 }, { unique: true, name: USER_EMAIL_INDEX, ...partial });
}

/** A collection not created yet has no index to replace. */
function noCollectionYet(err: { code?: number }): [] {
  if (err.code !== NAMESPACE_NOT_FOUND) throw err;
  return [];
}

const NAMESPACE_NOT_FOUND = 26;
