import type { Collection, Document } from 'mongodb';
import type { MasterKey } from '../crypto/master-key.js';
import type { Database, Models } from '../db/database.js';
import { dataKeyAad } from '../tenants/tenant-keyring.js';

/**
 * Every value wrapped by the master key, with the additional data it was wrapped under. The AADs repeat the
 * formats of their owners (tenant-keyring.ts, signing-key.service.ts, client.service.ts, upstream-idp.service.ts): a format changed
 * there without here fails test/privacy/master-key-rotation.test.ts, which reads everything back after a
 * rotation. Values sealed with a tenant's data key (personal fields, TOTP secrets, mails, oidc payloads) need no
 * rotation: their data key stays the same, only its wrapping changes.
 */
const WRAPPED: readonly { model: keyof Models; field: string; aad(doc: Document): string }[] = [
  { model: 'tenantKeys', field: 'wrappedDataKey', aad: (d) => dataKeyAad(String(d.tenantId)) },
  // Tenants created before the key registry carry their key until migration 0001 moves it; a rotation run on
  // a database not yet migrated must re-wrap it there, or the migration would move a key nothing unwraps.
  { model: 'tenants', field: 'wrappedDataKey', aad: (d) => dataKeyAad(String(d._id)) },
  { model: 'signingKeys', field: 'sealedPrivateJwk', aad: (d) => `signing-key:${d.tenantId}:${d.kid}` },
  { model: 'clients', field: 'sealedSecret', aad: (d) => `client-secret:${d.tenantId}:${d.clientId}` },
  { model: 'upstreamIdps', field: 'sealedSecret', aad: (d) => `upstream-idp-secret:${d.tenantId}:${d._id}` },
];

export interface RotationCount {
  /** `<collection>.<field>` */
  what: string;
  rewrapped: number;
  /** Already wrapped by the new key: an earlier, interrupted run got that far. */
  alreadyNew: number;
}

export class UnreadableWrappedValueError extends Error {
  constructor(
    readonly where: string[],
    /** What the run did with everything else. */
    readonly counts: RotationCount[],
  ) {
    super(`${where.length} wrapped value(s) open with neither the old nor the new master key: ${where.slice(0, 5).join(', ')}`);
    this.name = 'UnreadableWrappedValueError';
  }
}

/**
 * Re-wraps every value wrapped by `oldKey` with `newKey`. Idempotent: a value the new key already opens is
 * skipped, so an interrupted run is finished by running it again. Each value is replaced only if it is still
 * the one that was read, so a concurrent change (a client secret rotated meanwhile) is never overwritten; it is
 * picked up by the next run. Values neither key opens are reported at the end, after everything else is done.
 */
export async function rotateMasterKey(db: Database, oldKey: MasterKey, newKey: MasterKey): Promise<RotationCount[]> {
  if (oldKey.id === newKey.id) throw new Error('The new master key is the current one');
  const counts: RotationCount[] = [];
  const unreadable: string[] = [];
  for (const { model, field, aad } of WRAPPED) {
    // Across all tenants through the driver: the tenant-scope guard (rightly) refuses unscoped model queries.
    const collection: Collection = db.models[model].collection;
    const count = { what: `${collection.collectionName}.${field}`, rewrapped: 0, alreadyNew: 0 };
    for await (const doc of collection.find({ [field]: { $type: 'string' } })) {
      const box = doc[field] as string;
      if (opens(newKey, box, aad(doc))) {
        count.alreadyNew += 1;
        continue;
      }
      if (!opens(oldKey, box, aad(doc))) {
        unreadable.push(`${count.what} of ${String(doc._id)}`);
        continue;
      }
      const rewrapped = newKey.wrap(oldKey.unwrap(box, aad(doc)), aad(doc));
      const { modifiedCount } = await collection.updateOne({ _id: doc._id, [field]: box }, { $set: { [field]: rewrapped } });
      count.rewrapped += modifiedCount;
    }
    counts.push(count);
  }
  if (unreadable.length) throw new UnreadableWrappedValueError(unreadable, counts);
  return counts;
}

function opens(key: MasterKey, box: string, aad: string): boolean {
  try {
    key.unwrap(box, aad);
    return true;
  } catch {
    return false;
  }
}
