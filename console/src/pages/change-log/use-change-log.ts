import { useCallback, useEffect, useRef, useState } from 'react';
import type { paths } from '../../api/schema';
import { ApiProblem, unwrap } from '../../api/api-result';
import { useConsole } from '../../app/console-context';
import type { ChangeLogFilter } from './change-log-filters';

export type ChangeLogEntry = paths['/tenants/{tenant}/change-log']['get']['responses'][200]['content']['application/json']['items'][number];

const PAGE = 50;

/**
 * The entries matching a filter, a page at a time: `more()` appends the next page (the API's cursor), a new
 * filter starts again from the newest.
 */
export function useChangeLog(filter: ChangeLogFilter) {
  const { api, where } = useConsole();
  const tenant = where.slug;
  const [state, setState] = useState<{ items: ChangeLogEntry[]; next: string | null; loading: boolean; problem?: ApiProblem }>({ items: [], next: null, loading: true });
  // Only the latest request may set the state: an answer for an earlier filter arriving late is dropped.
  const latest = useRef(0);

  const load = useCallback(
    async (cursor: string | undefined, previous: ChangeLogEntry[]) => {
      const request = ++latest.current;
      setState((s) => ({ ...s, loading: true, problem: undefined }));
      try {
        const query = { ...filter, limit: PAGE, ...(cursor ? { cursor } : {}) };
        const { data } = await unwrap(api.GET('/tenants/{tenant}/change-log', { params: { path: { tenant }, query } }));
        if (request === latest.current) setState({ items: [...previous, ...data.items], next: data.next_cursor, loading: false });
      } catch (error) {
        const problem = error instanceof ApiProblem ? error : new ApiProblem('network', 0);
        if (request === latest.current) setState((s) => ({ ...s, loading: false, problem }));
      }
    },
    [api, tenant, filter],
  );

  useEffect(() => {
    void load(undefined, []);
  }, [load]);

  return { ...state, more: () => state.next && void load(state.next, state.items), reload: () => void load(undefined, []) };
}
