import { performance } from 'node:perf_hooks';

export interface LoopOptions {
  concurrency: number;
  durationMs: number;
  /** Upper bound on iterations over all users, so no loop runs unbounded whatever the speed. */
  maxIterations: number;
}

export interface LoopOutcome {
  latenciesMs: number[];
  errors: number;
  durationS: number;
  firstError?: string;
}

/**
 * `concurrency` users each run `iteration` back to back until the time or the iteration budget is spent.
 * Each user keeps its own state (a cookie jar, a refresh token) between iterations.
 */
export async function runVirtualUsers<S>(options: LoopOptions, init: (user: number) => S, iteration: (state: S) => Promise<S>): Promise<LoopOutcome> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let started = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + options.durationMs;
  const user = async (index: number) => {
    let state = init(index);
    while (performance.now() < deadline && started < options.maxIterations) {
      started += 1;
      const begin = performance.now();
      try {
        state = await iteration(state);
        latenciesMs.push(performance.now() - begin);
      } catch (err) {
        errors += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
        state = init(index);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => user(i)));
  return { latenciesMs, errors, durationS: (performance.now() - t0) / 1000, firstError };
}
