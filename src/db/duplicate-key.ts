/** MongoDB's (and FerretDB's) code for a write refused by a unique index: the one conflict the code expects. */
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}

/** For `.catch` where a concurrent writer got there first and its write is the outcome wanted. */
export function ignoreDuplicateKey(error: unknown): void {
  if (!isDuplicateKey(error)) throw error;
}
