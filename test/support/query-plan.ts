import type { Db, Document, MongoClient } from 'mongodb';

/** FerretDB's explain carries SQLite's query plan, one line per step; MongoDB's has none. */
function sqlitePlanLines(explained: Document): string[] | undefined {
  const plan = (explained.queryPlanner as { Plan?: unknown } | undefined)?.Plan;
  return Array.isArray(plan) ? plan.map(String) : undefined;
}

/** Every stage of MongoDB's winning plan, inputs included, each with its own fields (stage, indexName, indexBounds). */
function winningStages(explained: Document): { stage?: unknown; indexName?: unknown; indexBounds?: Record<string, string[]> }[] {
  const stages: { stage?: unknown }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if ('stage' in node) stages.push(node as { stage?: unknown });
    Object.values(node).forEach(walk);
  };
  walk((explained.queryPlanner as Document | undefined)?.winningPlan);
  return stages;
}

/**
 * The indexes each server's query planner says it uses for a find: MongoDB's winning plan names them (IDHACK and
 * the express stages are its _id lookups), FerretDB's explain carries SQLite's query plan, whose lines say
 * `SEARCH <table> USING INDEX <table>_<index>` or `SCAN <table>`.
 */
export function planOf(explained: Document): { indexes: string[]; scans: boolean } {
  const lines = sqlitePlanLines(explained);
  if (lines) {
    return {
      indexes: [...new Set(lines.flatMap((line) => /USING (?:COVERING )?INDEX \S+?_[0-9a-f]{8}_(\S+)/.exec(line)?.[1] ?? []))],
      scans: lines.some((line) => /detail=SCAN /.test(line)),
    };
  }
  const stages = winningStages(explained);
  const indexes = stages.flatMap(({ stage, indexName }) => [
    ...(typeof indexName === 'string' ? [indexName] : []),
    ...(typeof stage === 'string' && stage.includes('IDHACK') ? ['_id_'] : []),
  ]);
  return { indexes: [...new Set(indexes)], scans: stages.some(({ stage }) => stage === 'COLLSCAN') };
}

/**
 * For each read of a plan that is narrowed by equalities alone, how many leading fields of its index those pin:
 * 1 for a tenant's documents by {tenantId, ...}, 3 for a search of {tenantId, holderType, holderId} by all
 * three, 0 for a walk of a whole collection or index. A search that ends in a range is left out (on the local
 * database, the documents whose field is an array, which an equality also matches). On FerretDB, SQLite's plan
 * lists each search's conditions (`(<expr>=? AND <expr>>?)`); on MongoDB, each IXSCAN's bounds do.
 */
export function equalitySearchWidths(explained: Document): number[] {
  const lines = sqlitePlanLines(explained);
  if (lines) {
    return lines.flatMap((line) => {
      if (/detail=SCAN /.test(line)) return [0];
      const search = /detail=SEARCH \S+ USING (?:COVERING )?INDEX \S+ \(([^)]*)\)/.exec(line)?.[1];
      return search && !/<expr>[<>]/.test(search) ? [(search.match(/<expr>=\?/g) ?? []).length] : [];
    });
  }
  const isPoints = (bounds: string[]) => bounds.every((b) => /^\[(.*), \1\]$/.test(b));
  return winningStages(explained).flatMap(({ stage, indexBounds }) => {
    if (stage === 'COLLSCAN') return [0];
    if (stage !== 'IXSCAN' || !indexBounds) return [];
    const bounds = Object.values(indexBounds);
    const pinned = bounds.findIndex((b) => !isPoints(b));
    const width = pinned === -1 ? bounds.length : pinned;
    const next = bounds[width];
    return !next || (next.length === 1 && next[0] === '[MinKey, MaxKey]') ? [width] : [];
  });
}

/**
 * Whether the server sorts a sorted find's documents after reading every match, rather than reading them in
 * order through an index and stopping at the page's end: a SORT stage in MongoDB's winning plan; on FerretDB, a
 * sort its SQLite backend did not take over (its `sortPushdown`, one of FerretDB's own fields of explain).
 */
export function sortsAfterReading(explained: Document): boolean {
  if (sqlitePlanLines(explained)) return explained.sortPushdown !== true;
  return winningStages(explained).some(({ stage }) => stage === 'SORT');
}

/** One filter a command sent: a find's, or one statement's of an update or delete. */
export interface SentQuery {
  command: string;
  collection: string;
  filter: Document;
  sort?: Document;
}

/**
 * The filters `client` sends while `fn` runs (the client must monitor commands, as test-idp's does). Inserts,
 * counts and aggregations carry none to look up by and are left out.
 */
export async function queriesSent(client: MongoClient, fn: () => Promise<unknown>): Promise<SentQuery[]> {
  const sent: SentQuery[] = [];
  const started = (e: { commandName: string; command: Document }) => {
    const collection = e.command[e.commandName] as string;
    // The driver sends a sort as a Map, which keeps its order.
    const sort = e.command.sort instanceof Map ? (Object.fromEntries(e.command.sort) as Document) : (e.command.sort as Document | undefined);
    if (e.commandName === 'find') sent.push({ command: 'find', collection, filter: e.command.filter ?? {}, sort });
    if (e.commandName === 'findAndModify') sent.push({ command: 'findAndModify', collection, filter: e.command.query ?? {} });
    if (e.commandName === 'update') for (const u of e.command.updates as Document[]) sent.push({ command: 'update', collection, filter: u.q });
    if (e.commandName === 'delete') for (const d of e.command.deletes as Document[]) sent.push({ command: 'delete', collection, filter: d.q });
  };
  client.on('commandStarted', started);
  try {
    await fn();
  } finally {
    client.off('commandStarted', started);
  }
  return sent;
}

/** Of `queries`, those the server would answer by reading the whole collection, each once, described. */
export function scanningQueries(db: Db, queries: readonly SentQuery[]): Promise<string[]> {
  const described = (q: SentQuery) => `${q.command} ${q.collection} ${JSON.stringify(shape(q.filter))} ${JSON.stringify(q.sort ?? {})}`;
  return explainedWhere(db, queries, described, {}, (explained) => planOf(explained).scans);
}

/** Of `queries`, the sorted finds the server would sort after reading every match (sortsAfterReading), each once. */
export function sortingQueries(db: Db, queries: readonly SentQuery[]): Promise<string[]> {
  const sortedFinds = queries.filter((q) => q.command === 'find' && q.sort);
  return explainedWhere(db, sortedFinds, describedSorted, { limit: 2 }, sortsAfterReading);
}

/** Each distinct query (by its description) explained as a find, with its sort; described where `fails` says so. */
async function explainedWhere(
  db: Db,
  queries: readonly SentQuery[],
  describe: (q: SentQuery) => string,
  options: { limit?: number },
  fails: (explained: Document) => boolean,
): Promise<string[]> {
  const distinct = new Map(queries.map((q) => [describe(q), q]));
  const failing: string[] = [];
  for (const [described, q] of distinct) {
    const explained = await db.collection(q.collection).find(q.filter, { ...options, ...(q.sort ? { sort: q.sort } : {}) }).explain();
    if (fails(explained)) failing.push(described);
  }
  return failing;
}

function describedSorted(q: SentQuery): string {
  return `${q.collection} ${JSON.stringify(shape(q.filter))} sorted by ${JSON.stringify(q.sort)}`;
}

/** A filter's keys and operators, its values left out: two lookups of the same shape are one query. */
function shape(filter: unknown): unknown {
  if (Array.isArray(filter)) return filter.map(shape);
  if (!filter || typeof filter !== 'object' || filter instanceof Date) return '?';
  return Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, k.startsWith('$') || (v && typeof v === 'object' && !(v instanceof Date)) ? shape(v) : '?']));
}

/**
 * Of `queries`, the sorted ones no index of their collection keeps in order for them, each once, described. An
 * index keeps a query in order when its keys are fields the filter holds equal (any of them, in any order), then
 * the sort's fields in the sort's order: MongoDB then walks the index and stops at the page's end, where it would
 * otherwise read and sort every match. Asked of the indexes the data layer created, as MongoDB would have them.
 */
export async function unorderedSorts(db: Db, queries: readonly SentQuery[]): Promise<string[]> {
  const missing = new Set<string>();
  for (const q of queries) {
    if (!q.sort || !Object.keys(q.sort).length) continue;
    const equal = new Set(Object.entries(q.filter).filter(([k, v]) => !k.startsWith('$') && !isOperator(v)).map(([k]) => k));
    const sort = Object.keys(q.sort);
    const indexes = await db.collection(q.collection).indexes();
    const kept = indexes.some(({ key }) => {
      const fields = Object.keys(key);
      let p = 0;
      while (p < fields.length && equal.has(fields[p]!) && !sort.includes(fields[p]!)) p += 1;
      // Led by what the filter holds equal (the tenant): the _id index alone would walk every tenant's documents.
      return (p > 0 || equal.size === 0) && sort.every((field, i) => fields[p + i] === field);
    });
    if (!kept) missing.add(describedSorted(q));
  }
  return [...missing];
}

function isOperator(value: unknown): boolean {
  return !!value && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value) && Object.keys(value).some((k) => k.startsWith('$'));
}
