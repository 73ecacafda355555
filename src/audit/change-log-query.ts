import { ValidationError } from '../errors/http-errors.js';
import type { ChangeLogDoc } from './change-log.model.js';
import type { ActorType } from './request-context.js';

/** An entry as the rest of the system and customers see it. */
export interface ChangeLogEntry {
  id: string;
  tenantId: string;
  seq: number;
  at: Date;
  actor: string;
  actorType: ActorType;
  action: string;
  subjectType: string;
  subjectId: string;
  fields: string[];
  counts?: Record<string, number>;
  requestId?: string;
  ipHash?: string;
  /** Entries written before addresses were hashed only. */
  ip?: string;
  /** On a `.failed` or `.unconfirmed` entry: the entry whose change it reports on. */
  refersTo?: string;
  prevHash: string;
  hash: string;
}

export interface ChangeLogFilter {
  subjectId?: string;
  /** A formatted actor, e.g. `user:usr_abc@acme`. */
  actor?: string;
  action?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

export interface ChangeLogPage {
  items: ChangeLogEntry[];
  /** Absent on the last page. */
  nextCursor?: string;
}

export const MAX_PAGE_SIZE = 500;

export function toEntry(doc: ChangeLogDoc): ChangeLogEntry {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest, fields: [...rest.fields] };
}

export function toQuery(tenantId: string, filter: ChangeLogFilter): Record<string, unknown> {
  const query: Record<string, unknown> = { tenantId };
  // Strings only: an object here would be an operator ({ $ne: … }) smuggled in from a query string.
  for (const key of ['subjectId', 'actor', 'action'] as const) {
    const value = filter[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new ValidationError([{ field: key, message: 'must be a string' }]);
    query[key] = value;
  }
  const at: Record<string, Date> = {};
  for (const [key, op] of [['from', '$gte'], ['to', '$lt']] as const) {
    const value = filter[key];
    if (value === undefined) continue;
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new ValidationError([{ field: key, message: 'must be a valid date' }]);
    }
    at[op] = value;
  }
  if (Object.keys(at).length) query.at = at;
  return query;
}

/**
 * The cursor names the last `seq` served. Pages go newest first, and new entries only ever get higher seqs,
 * so "below this seq" keeps meaning the same entries however many are appended between two pages.
 */
export function encodeCursor(seq: number): string {
  return Buffer.from(String(seq), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(seq)) throw new ValidationError([{ field: 'cursor', message: 'is not a valid cursor' }]);
  return seq;
}

export function checkPageSize(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError([{ field: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }]);
  }
  return limit;
}
