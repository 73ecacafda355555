import type { Connection } from 'mongoose';

/**
 * What the connected server can do. Production MongoDB has TTL and partial indexes and (on a replica set)
 * transactions; FerretDB v1, the local fallback, has none of them. Code asks here instead of guessing, and
 * stays correct either way (a sweeper replaces TTL, application checks replace partial unique indexes).
 */
export interface DatabaseCapabilities {
  server: 'mongodb' | 'ferretdb';
  version: string;
  ttlIndexes: boolean;
  partialIndexes: boolean;
  transactions: boolean;
  /**
   * An `_id` `$in` is answered from the `_id` index. Released FerretDB v1 scans the collection for any `$in`;
   * the build the installer makes answers this one from the index (scripts/ferretdb-patches/0003).
   */
  idInIndexed: boolean;
}

/** The first build stamp of our FerretDB whose `_id` `$in` uses the index (scripts/ferretdb-install.mjs). */
const ID_IN_SINCE_BUILD = 2;

export function ferretdbAnswersIdInFromIndex(version: string): boolean {
  const build = /-doorway\.(\d+)$/.exec(version);
  return build !== null && Number(build[1]) >= ID_IN_SINCE_BUILD;
}

export async function detectCapabilities(connection: Connection): Promise<DatabaseCapabilities> {
  const admin = connection.db!.admin();
  const info = (await admin.command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
  if (info.ferretdbVersion) {
    return { server: 'ferretdb', version: info.ferretdbVersion, ttlIndexes: false, partialIndexes: false, transactions: false, idInIndexed: ferretdbAnswersIdInFromIndex(info.ferretdbVersion) };
  }
  const hello = (await admin.command({ hello: 1 })) as { setName?: string; msg?: string };
  return {
    server: 'mongodb',
    version: info.version ?? 'unknown',
    ttlIndexes: true,
    partialIndexes: true,
    transactions: Boolean(hello.setName || hello.msg === 'isdbgrid'),
    idInIndexed: true,
  };
}
