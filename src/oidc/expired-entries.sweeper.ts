import type { Logger } from 'pino';
import { expiredBy } from '../db/expiry.js';
import type { OidcEntryModel } from './oidc-entry.model.js';

/**
 * One pass over every tenant's oidc-provider entries: removes those whose `expiresAt` has passed and returns
 * how many went. Cross-tenant by design (expiry is the same rule for every tenant), so it goes through the
 * driver: the tenant-scope guard (rightly) refuses unscoped model queries.
 */
export async function sweepExpiredEntries(entries: OidcEntryModel): Promise<number> {
  const { deletedCount } = await entries.collection.deleteMany({ expiresAt: expiredBy() });
  return deletedCount;
}

/**
 * Removes expired oidc-provider entries where the server has no TTL indexes (FerretDB). Reads already ignore
 * expired entries, so this only reclaims space; running it in several processes at once is harmless.
 */
export function startExpiredEntriesSweeper(entries: OidcEntryModel, logger: Logger, intervalMs = 60_000): () => void {
  const sweep = async () => {
    try {
      const deletedCount = await sweepExpiredEntries(entries);
      if (deletedCount) logger.debug({ deletedCount }, 'expired oidc entries removed');
    } catch (err) {
      logger.warn({ err }, 'expired oidc entries sweep failed');
    }
  };
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
