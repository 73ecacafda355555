import type { Outcome } from './api-result';

/** A page of a cursor-paginated list, as every list route of the API answers. */
export interface Paged<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * Follows a list's cursors to its end and resolves to every item, for lists a page must show whole (all the
 * doors to choose from, all the grants of a door): `allPages((cursor) => unwrap(api.GET(..., { query: { cursor, limit: 200 } })))`.
 * The warnings of every page are kept.
 */
export async function allPages<T>(load: (cursor: string | undefined) => Promise<Outcome<Paged<T>>>): Promise<Outcome<Paged<T>>> {
  const items: T[] = [];
  const warnings: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await load(cursor);
    items.push(...page.data.items);
    warnings.push(...page.warnings);
    cursor = page.data.next_cursor ?? undefined;
  } while (cursor);
  return { data: { items, next_cursor: null }, warnings };
}
