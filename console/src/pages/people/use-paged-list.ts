import { useCallback, useEffect, useState } from 'react';
import type { ApiProblem, Outcome } from '../../api/api-result';
import { asProblem } from '../../api/use-api';

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * A cursor-paged list of the API (`{ items, next_cursor }`): the first page on load and whenever `deps` change,
 * the next one appended by `loadMore()`, all of it again on `reload()` after a change; `update()` as useApiQuery's.
 */
export function usePagedList<T>(load: (cursor: string | undefined) => Promise<Outcome<Page<T>>>, deps: readonly unknown[]) {
  const [state, setState] = useState<{ items?: T[]; next: string | null; problem?: ApiProblem; loading: boolean }>({ next: null, loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load(undefined).then(
      ({ data }) => current && setState({ items: data.items, next: data.next_cursor, loading: false }),
      (error: unknown) => current && setState({ next: null, problem: asProblem(error), loading: false }),
    );
    return () => {
      current = false;
    };
    // The caller names what the load depends on (`deps`), as with useEffect.
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const loadMore = async () => {
    if (!state.next) return;
    setState((s) => ({ ...s, loading: true }));
    try {
      const { data } = await load(state.next);
      setState((s) => ({ items: [...(s.items ?? []), ...data.items], next: data.next_cursor, loading: false }));
    } catch (error) {
      setState((s) => ({ ...s, problem: asProblem(error), loading: false }));
    }
  };
  const update = useCallback((change: (list: { items: T[] }) => { items: T[] }) => setState((s) => (s.items ? { ...s, items: change({ items: s.items }).items } : s)), []);
  return { ...state, reload, loadMore, update };
}
