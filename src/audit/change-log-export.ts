import type { ChangeLogDoc } from './change-log.model.js';
import { toEntry } from './change-log-query.js';

export type ExportFormat = 'ndjson' | 'csv';

const CSV_COLUMNS = [
  'seq', 'at', 'actor', 'actorType', 'action', 'subjectType', 'subjectId', 'fields', 'counts', 'requestId', 'ipHash',
  'ip', 'id', 'refersTo', 'prevHash', 'hash',
] as const;

/**
 * Turns stored entries into lines of the export, one at a time, so an export of years of log never sits in
 * memory. Each chunk is one complete line.
 */
export async function* formatExport(docs: AsyncIterable<ChangeLogDoc>, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine(CSV_COLUMNS);
  for await (const doc of docs) {
    const entry = toEntry(doc);
    if (format === 'ndjson') {
      yield `${JSON.stringify({ ...entry, at: entry.at.toISOString() })}\n`;
    } else {
      const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
        seq: String(entry.seq),
        at: entry.at.toISOString(),
        actor: entry.actor,
        actorType: entry.actorType,
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        fields: entry.fields.join(';'),
        counts: Object.entries(entry.counts ?? {}).map(([name, n]) => `${name}=${n}`).join(';'),
        requestId: entry.requestId ?? '',
        ipHash: entry.ipHash ?? '',
        ip: entry.ip ?? '',
        id: entry.id,
        refersTo: entry.refersTo ?? '',
        prevHash: entry.prevHash,
        hash: entry.hash,
      };
      yield csvLine(CSV_COLUMNS.map((c) => cells[c]));
    }
  }
}

/** RFC 4180: CRLF line ends; a cell with a comma, quote or line break is quoted, inner quotes doubled. */
function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: string): string {
  // A request id comes from a client header; a leading = + - @ would run as a formula when a customer opens the
  // export in a spreadsheet, so such a cell is prefixed with a quote (OWASP's advice for CSV injection).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
