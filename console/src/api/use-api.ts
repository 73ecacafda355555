import { useCallback, useEffect, useState } from 'react';
import { ApiProblem, type Outcome } from './api-result';

export function asProblem(error: unknown): ApiProblem {
  return error instanceof ApiProblem ? error : new ApiProblem('network', 0, error instanceof Error ? error.message : String(error));
}

/** Loads data for a page: `const roles = useApiQuery(() => unwrap(api.GET(...)), [slug])`; `reload()` after a change. */
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
  return { ...state, reload };
}

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
