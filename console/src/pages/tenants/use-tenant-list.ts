import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction, useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import type { Tenant } from './tenant-types';

const PAGE = 50;

/** The tenants, a page at a time: the first page on load and after reload(), more on showMore(). */
export function useTenantList() {
  const { api } = useConsole();
  const first = useApiQuery(() => unwrap(api.GET('/tenants', { params: { query: { limit: PAGE } } })), []);
  const more = useApiAction();
  const [extra, setExtra] = useState<{ items: Tenant[]; next: string | null; after?: unknown }>({ items: [], next: null });
  // Pages shown after a first page belong to that first page: a reload starts over.
  const current = extra.after === first.data ? extra : { items: [], next: first.data?.next_cursor ?? null };
  const showMore = async () => {
    const cursor = current.next;
    if (!cursor) return;
    const done = await more.run(() => unwrap(api.GET('/tenants', { params: { query: { limit: PAGE, cursor } } })));
    if (done) setExtra({ items: [...current.items, ...done.data.items], next: done.data.next_cursor, after: first.data });
  };
  const items = first.data ? [...first.data.items, ...current.items] : undefined;
  return { items, loading: first.loading, problem: first.problem ?? more.problem, hasMore: current.next !== null, showMore, busy: more.busy, reload: first.reload };
}
