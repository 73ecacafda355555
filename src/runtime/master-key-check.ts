import type { MasterKey } from '../crypto/master-key.js';
import type { Database } from '../db/database.js';
import { dataKeyAad } from '../tenants/tenant-keyring.js';

/** How many tenants' data keys are tried: enough to tell the key, few enough to cost nothing at start. */
const SAMPLE = 20;

/**
 * The master key this process was given does not open the data keys in its database: every tenant request
 * would fail. Said without the key or anything derived from it.
 */
export class MasterKeyMismatchError extends Error {
  constructor(tried: number) {
    super(
      `IDP_MASTER_KEY does not open the data in this database (none of the ${tried} newest tenant data keys opens with it): ` +
        'it is not the master key this data was sealed with. Start with that key, or finish `idp rotate-master-key` first.',
    );
    this.name = 'MasterKeyMismatchError';
  }
}

/**
 * Checks, before a process serves anything, that its master key opens what is sealed in the database: a process
 * started with the wrong key would otherwise report ready while answering every tenant request with a 500, and a
 * rolling deploy would go live broken. One key that opens is enough, so a rotation under way (some keys
 * re-wrapped, some not) does not stop a process holding either key. A database with nothing sealed yet
 * (a first start) passes: the key given is the one its data will be sealed with.
 */
export async function checkMasterKey(db: Database, masterKey: MasterKey): Promise<'opens' | 'nothing-sealed'> {
  // Across tenants by design, through the driver: the tenant-scope guard (rightly) refuses unscoped model queries.
  const sample = await db.models.tenantKeys.collection
    .find({ wrappedDataKey: { $type: 'string' } }, { projection: { tenantId: 1, wrappedDataKey: 1 } })
    .sort({ createdAt: -1 })
    .limit(SAMPLE)
    .toArray();
  if (sample.length === 0) return 'nothing-sealed';
  if (sample.some((doc) => opens(masterKey, String(doc.wrappedDataKey), dataKeyAad(String(doc.tenantId))))) return 'opens';
  throw new MasterKeyMismatchError(sample.length);
}

function opens(masterKey: MasterKey, box: string, aad: string): boolean {
  try {
    masterKey.unwrap(box, aad);
    return true;
  } catch {
    return false;
  }
}

export interface KeyCheckDeps {
  db: Database;
  masterKey: MasterKey;
  readiness: { hold(name: string, reason: string): void; release(name: string): void };
  logger: { warn(obj: object, msg: string): void };
  /** Told when a check that could not run at first finds the key wrong later. */
  onMismatch(err: MasterKeyMismatchError): void;
  retryMs?: number;
}

/**
 * The start-up check with readiness held until it has passed: a wrong key throws (the process must not
 * start); a check that cannot run (the database went away) leaves /readyz at 503 and is tried again until it
 * can, so a process never reports ready without having checked its key.
 */
export async function checkMasterKeyAtStart(deps: KeyCheckDeps): Promise<void> {
  const name = 'master-key';
  deps.readiness.hold(name, 'master key not checked yet');
  const attempt = async (): Promise<boolean> => {
    try {
      await checkMasterKey(deps.db, deps.masterKey);
      deps.readiness.release(name);
      return true;
    } catch (err) {
      if (err instanceof MasterKeyMismatchError) throw err;
      deps.logger.warn({ err }, 'master key check could not run; not ready until it has');
      return false;
    }
  };
  if (await attempt()) return;
  const retry = (): void => {
    setTimeout(() => {
      attempt().then((done) => done || retry(), deps.onMismatch);
    }, deps.retryMs ?? 5000).unref();
  };
  retry();
}
