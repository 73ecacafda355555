import autocannon from 'autocannon';
import type { ScenarioResult } from './stats.js';

export interface LoadOptions {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Builds each request anew (a unique body, another token); autocannon calls it once per request. */
  setupRequest?: (request: autocannon.Request) => autocannon.Request;
  connections: number;
  durationS: number;
}

function run(options: LoadOptions, durationS: number): Promise<autocannon.Result> {
  const { url, method = 'GET', headers, body, setupRequest } = options;
  return autocannon({
    url,
    connections: options.connections,
    pipelining: 1,
    duration: durationS,
    timeout: 30,
    requests: [{ method, headers, body, ...(setupRequest ? { setupRequest } : {}) }],
  });
}

/** A short unmeasured run first, so the measured one finds the JIT warm and the pools full. */
export async function warmUp(options: LoadOptions, seconds: number): Promise<void> {
  await run(options, seconds);
}

/**
 * Single requests under a fixed number of keep-alive connections. Every answer other than 2xx counts as an
 * error, as do connection errors and timeouts.
 */
export async function loadTest(options: LoadOptions): Promise<ScenarioResult & { statusCodes: Record<string, number> }> {
  const result = await run(options, options.durationS);
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
  return {
    name: options.name,
    unit: 'req',
    perSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    count: result['2xx'],
    sent: result.requests.sent,
    errors: result.non2xx + result.errors + result.timeouts,
    durationS: result.duration,
    statusCodes,
  };
}
