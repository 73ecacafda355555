import { useCallback, useEffect, useState } from 'react';
import { ApiProblem, type Outcome } from './api-result';

export function asProblem(error: unknown): ApiProblem {
  return error instanceof ApiProblem ? error : new ApiProblem('network', 0, error instanceof Error ? error.message : String(error));
}

/**
 * Loads data for a page: `const roles = useApiQuery(() => unwrap(api.GET(...)), [slug])`; `reload()` after a change.
 * `update()` puts what the API answered to a change in place at once, so that until the reload lands nothing opens
 * a form on the old values and sends them back.
 */
export function useApiQuery<T>(load: () => Promise<Outcome<T>>, deps: readonly unknown[]) {
  const [state, setState] = useState<{ data?: T; problem?: ApiProblem; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      ({ data }) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ problem: asProblem(error), loading: false }),
    );
    return () => {
      current = false;
    };
    // The caller names what the load depends on (`deps`), as with useEffect.
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const update = useCallback((change: (data: T) => T) => setState((s) => (s.data === undefined ? s : { ...s, data: change(s.data) })), []);
  return { ...state, reload, update };
}

/** A list the API answered (`{ items }`) with one item, named by `keyOf`, replaced by the API's newer answer for it. */
export const withItem = <T, L extends { items: T[] }>(list: L, item: T, keyOf: (item: T) => string): L => ({
  ...list,
  items: list.items.map((i) => (keyOf(i) === keyOf(item) ? item : i)),
});

/**
 * A change made through the API: while it runs `busy`; afterwards its problem (shown with ProblemView) or the
 * warnings the API gave (shown with WarningList). `run` resolves to the outcome, or undefined when it failed.
 */
export function useApiAction() {
  const [state, setState] = useState<{ busy: boolean; problem?: ApiProblem; warnings: string[] }>({ busy: false, warnings: [] });
  const run = useCallback(async <T>(action: () => Promise<Outcome<T>>): Promise<Outcome<T> | undefined> => {
    setState({ busy: true, warnings: [] });
    try {
      const outcome = await action();
      setState({ busy: false, warnings: outcome.warnings });
      return outcome;
    } catch (error) {
      setState({ busy: false, problem: asProblem(error), warnings: [] });
      return undefined;
    }
  }, []);
  const clear = useCallback(() => setState({ busy: false, warnings: [] }), []);
  return { ...state, run, clear };
}
