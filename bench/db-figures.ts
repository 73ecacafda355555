import { performance } from 'node:perf_hooks';
import { median, percentile } from './stats.js';

/** The time of one database read, alone on the connection, and how many documents its collection held. */
export interface RoundTrip {
  what: string;
  documents: number;
  medianMs: number;
  p99Ms: number;
}

export async function roundTrip(what: string, documents: number, query: () => Promise<unknown>, samples = 100): Promise<RoundTrip> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await query();
    times.push(performance.now() - t0);
  }
  const round = (v: number) => Math.round(v * 100) / 100;
  return { what, documents, medianMs: round(median(times)), p99Ms: round(percentile(times, 99)) };
}
