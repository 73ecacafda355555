/** MongoDB's (and FerretDB's) code for a write refused by a unique index: the one conflict the code expects. */
const DUPLICATE_KEY = 11000;
/**
 * FerretDB v1 answers an update that two writers race into a unique index with its backend's own refusal,
 * wrapped as InternalError (code 1), not 11000: SQLite's and PostgreSQL's words for it.
 */
const BACKEND_UNIQUE_REFUSAL = /UNIQUE constraint failed|duplicate key value violates unique constraint/;

export function isDuplicateKey(error: unknown): boolean {
  const { code, errmsg } = (error ?? {}) as { code?: unknown; errmsg?: unknown };
  return code === DUPLICATE_KEY || (code === 1 && typeof errmsg === 'string' && BACKEND_UNIQUE_REFUSAL.test(errmsg));
}

/** For `.catch` where a concurrent writer got there first and its write is the outcome wanted. */
export function ignoreDuplicateKey(error: unknown): void {
  if (!isDuplicateKey(error)) throw error;
}
