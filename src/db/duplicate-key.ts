/** MongoDB's (and FerretDB's) code for a write refused by a unique index: the one conflict the code expects. */
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}
