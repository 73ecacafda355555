import { rm } from 'node:fs/promises';
import type { ChangeLogService } from '../audit/change-log.service.js';

/** The change-log actions of copies of a tenant's data. */
export const COPY_ACTIONS = {
  backup: 'backup.created',
  restore: 'backup.restored',
  staging: 'backup.staging_copy_created',
} as const;

export type CopyAction = (typeof COPY_ACTIONS)[keyof typeof COPY_ACTIONS];

/** The count of a collection's documents a copy left out (about erased people), beside the count it holds. */
export function skippedKey(collection: string): string {
  return `skipped_${collection}`;
}

/** Counts of what a copy holds, per tenant and collection; what its change-log entries say, and all they say. */
export class TenantCounts {
  private readonly byTenant = new Map<string, Record<string, number>>();

  add(tenantId: string | undefined, name: string, n = 1): void {
    if (tenantId === undefined) return;
    const counts = this.byTenant.get(tenantId) ?? {};
    counts[name] = (counts[name] ?? 0) + n;
    this.byTenant.set(tenantId, counts);
  }

  entries(): [string, Record<string, number>][] {
    return [...this.byTenant.entries()];
  }
}

/** The tenant a stored document belongs to: a tenant document is its own; a collection without tenants has none. */
export function tenantOfDocument(collection: string, doc: Readonly<Record<string, unknown>>): string | undefined {
  const id = collection === 'tenants' ? doc._id : doc.tenantId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The processing agreement promises no copy of a customer's data without their knowledge: each copy — a backup,
 * a restore, a staging copy — is one entry in the change log of every tenant it covers, as subject `tenant`,
 * naming the collections it holds of that tenant and how many documents of each. Counts only, never a value.
 */
export async function recordCopy(changeLog: ChangeLogService, action: CopyAction, counts: TenantCounts): Promise<void> {
  for (const [tenantId, of] of counts.entries()) {
    const fields = Object.keys(of).filter((name) => !name.startsWith(skippedKey(''))).sort();
    await changeLog.append(tenantId, { action, subjectType: 'tenant', subjectId: tenantId, fields, counts: of });
  }
}

/**
 * A copy that its customers cannot be told of does not stay: its files are removed and the error stands. Also
 * the last steps of writing a copy, whose failure leaves it incomplete.
 */
export async function recordedOrRemoved<T>(record: () => Promise<T>, files: readonly string[]): Promise<T> {
  try {
    return await record();
  } catch (err) {
    for (const file of files) await rm(file, { force: true });
    throw err;
  }
}
