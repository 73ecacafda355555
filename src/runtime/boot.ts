import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { loadOrCreateDevMasterKey } from '../crypto/dev-master-key.js';
import { MasterKey } from '../crypto/master-key.js';
import { connectDatabase, type Database } from '../db/database.js';
import { runningLocalDatabase, startLocalDatabase, type LocalDatabase } from '../db/local-database.js';
import { projectRoot } from '../project-root.js';

export interface Runtime {
  db: Database;
  masterKey: MasterKey;
  /** Closes the connection, and stops the local database server if this process started it. */
  close(): Promise<void>;
}

export interface BootOptions {
  log(message: string): void;
  /**
   * Join the local database server another process already runs for DATA_DIR instead of starting one. For
   * short-lived commands beside a running server; the server itself owns its database and does not join.
   */
  joinRunningLocalDatabase?: boolean;
}

/**
 * The database and master key exactly as the server gets them: MONGODB_URI, else a local server under
 * DATA_DIR; IDP_MASTER_KEY, else the development key kept beside the local data. The CLI boots the same way,
 * so what it writes, the server reads.
 */
export async function connectLikeServer(config: Config, options: BootOptions): Promise<Runtime> {
  const root = projectRoot();
  const dataDir = resolve(root, config.dataDir);
  let uri = config.mongodbUri;
  let local: LocalDatabase | undefined;
  if (!uri) {
    const dbDir = join(dataDir, 'db');
    uri = options.joinRunningLocalDatabase ? runningLocalDatabase(dbDir) : undefined;
    if (uri) {
      options.log(`MONGODB_URI is not set: using the local database already running under ${dbDir}`);
    } else {
      options.log(`MONGODB_URI is not set: starting a local database under ${dbDir}`);
      local = await startLocalDatabase({ dataDir: dbDir, toolsDir: join(root, '.tools'), log: options.log });
      uri = local.uri;
    }
  }
  try {
    const masterKey = new MasterKey(config.masterKey ?? (await loadOrCreateDevMasterKey(join(dataDir, 'master.key'))));
    const db = await connectDatabase(uri, { timeouts: config.database });
    return {
      db,
      masterKey,
      async close() {
        await db.close();
        await local?.stop();
      },
    };
  } catch (err) {
    await local?.stop();
    throw err;
  }
}
