import type { SignedCheckpoint } from './change-log-checkpoint.js';
import type { ChangeLogDoc } from './change-log.model.js';
import { toEntry } from './change-log-query.js';

export type ExportFormat = 'ndjson' | 'csv';

const CSV_COLUMNS = [
  'seq', 'at', 'actor', 'actorType', 'action', 'subjectType', 'subjectId', 'fields', 'counts', 'requestId', 'ipHash',
  'ip', 'id', 'refersTo', 'prevHash', 'hash', 'kid', 'mac',
] as const;

/** The action of the CSV row that carries the checkpoint: no entry is ever written with it. */
export const CHECKPOINT_ROW_ACTION = 'change-log.checkpoint';

/**
 * Turns stored entries into lines of the export, one at a time, so an export of years of log never sits in
 * memory. Each chunk is one complete line. The last line is the signed checkpoint, taken before the first
 * entry is read: in NDJSON `{"checkpoint": {...}}`, in CSV a row whose action is `change-log.checkpoint`,
 * with the checkpoint's seq, time, tenant (as subject), hash, key id and MAC.
 */
export async function* formatExport(
  docs: AsyncIterable<ChangeLogDoc>,
  format: ExportFormat,
  takeCheckpoint: () => Promise<SignedCheckpoint | undefined> = async () => undefined,
): AsyncGenerator<string> {
  const checkpoint = await takeCheckpoint();
  if (format === 'csv') yield csvLine(CSV_COLUMNS);
  yield* entryLines(docs, format);
  if (checkpoint && format === 'ndjson') yield `${JSON.stringify({ checkpoint })}\n`;
  if (checkpoint && format === 'csv') yield csvLine(CSV_COLUMNS.map((c) => checkpointCells(checkpoint)[c] ?? ''));
}

function checkpointCells(c: SignedCheckpoint): Partial<Record<(typeof CSV_COLUMNS)[number], string>> {
  return { seq: String(c.seq), at: c.at, actorType: 'system', action: CHECKPOINT_ROW_ACTION, subjectType: 'tenant', subjectId: c.tenantId, hash: c.hash, kid: c.kid, mac: c.mac };
}

async function* entryLines(docs: AsyncIterable<ChangeLogDoc>, format: ExportFormat): AsyncGenerator<string> {
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
        kid: '',
        mac: '',
      };
      yield csvLine(CSV_COLUMNS.map((c) => cells[c]));
    }
  }
}

/** RFC 4180: CRLF line ends; a cell with a comma, quote or line break is quoted, inner quotes doubled. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: string): string {
  // A request id comes from a client header; a leading = + - @ would run as a formula when a customer opens the
  // export in a spreadsheet, so such a cell is prefixed with a quote (OWASP's advice for CSV injection).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The checkpoint an export ends with, read back from its last line (NDJSON) or its header and last row (CSV).
 * Only read, never trusted: ChangeLogService.verify checks its MAC before comparing anything with it.
 */
export function checkpointOfExport(head: string, tail: string): unknown {
  const lines = tail.split(/\r?\n/).filter((l) => l.trim() !== '');
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  if (last.startsWith('{')) return (JSON.parse(last) as { checkpoint?: unknown }).checkpoint;
  // The checkpoint row holds no comma, quote or line break (ids, hex, ISO times), so a split reads it.
  const header = head.split(/\r?\n/, 1)[0]!.split(',');
  const cells = last.split(',');
  const cell = (name: (typeof CSV_COLUMNS)[number]) => cells[header.indexOf(name)];
  if (cell('action') !== CHECKPOINT_ROW_ACTION) return undefined;
  return { tenantId: cell('subjectId'), seq: Number(cell('seq')), hash: cell('hash'), at: cell('at'), kid: cell('kid'), mac: cell('mac') };
}
