/** One scenario's figures, as the table and the results file show them. */
export interface ScenarioResult {
  name: string;
  /** What is counted: `req` for single requests, `sign-in` for whole sign-ins, and so on. */
  unit: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  count: number;
  /**
   * Requests sent, those still unanswered when the run stopped included: they have sent database commands too,
   * so commands are divided by these (once they have settled), not by the answers counted.
   */
  sent?: number;
  errors: number;
  durationS: number;
  /** Free text shown beside the figures (a ratio to the baseline, a bound, a target). */
  note?: string;
  /** The first failure's message, so an error count comes with its cause. */
  firstError?: string;
}

/** The nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * sorted.length);
  return sorted[Math.max(rank, 1) - 1]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Figures of a timed loop: latencies in ms of the operations that succeeded, over the measured seconds. */
export function summarize(name: string, unit: string, latenciesMs: readonly number[], errors: number, durationS: number): ScenarioResult {
  return {
    name,
    unit,
    perSecond: durationS > 0 ? latenciesMs.length / durationS : 0,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    count: latenciesMs.length,
    errors,
    durationS,
  };
}

/** A number for a table cell: integers above 100, otherwise three significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** A Markdown table (also readable as plain text): left-aligned first column, the others right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function scenarioTable(results: readonly ScenarioResult[]): string {
  return formatTable(
    ['scenario', 'per second', 'p50 ms', 'p99 ms', 'errors', 'note'],
    results.map((r) => [
      r.name,
      `${formatNumber(r.perSecond)} ${r.unit}/s`,
      formatNumber(r.p50Ms),
      formatNumber(r.p99Ms),
      String(r.errors),
      r.note ?? '',
    ]),
  );
}
