import type { Logger } from 'pino';
import type { OidcEntryModel } from './oidc-entry.model.js';

/**
 * Removes expired oidc-provider entries where the server has no TTL indexes (FerretDB). Reads already ignore
 * expired entries, so this only reclaims space; running it in several processes at once is harmless.
 */
export function startExpiredEntriesSweeper(entries: OidcEntryModel, logger: Logger, intervalMs = 60_000): () => void {
  const sweep = async () => {
    try {
      // Cross-tenant by design: expiry is the same rule for every tenant. Goes through the driver because the
      // tenant-scope guard (rightly) refuses unscoped model queries.
      const { deletedCount } = await entries.collection.deleteMany({ expiresAt: { $lte: new Date() } });
      if (deletedCount) logger.debug({ deletedCount }, 'expired oidc entries removed');
    } catch (err) {
      logger.warn({ err }, 'expired oidc entries sweep failed');
    }
  };
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
