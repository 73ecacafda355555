import type { Middleware } from 'koa';
import type { UpdateFilter } from 'mongodb';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { oidcEntryStore, type OidcEntryDoc, type OidcEntryModel, type OidcEntryStore } from './oidc-entry.model.js';

/** An entry as the adapter would insert it, and the update that replaces it where it turns out to exist. */
export interface PendingEntry {
  doc: OidcEntryDoc;
  update: UpdateFilter<OidcEntryDoc>;
  /** The payload's JSON, in clear whether or not the stored one is sealed: what the adapter answers from here. */
  json: string;
}

/**
 * The new entries one provider request writes, inserted together before it answers: a sign-in's resume writes
 * its grant, code and session, a code exchange its access and refresh token, each in one command instead of one
 * per entry. Nothing leaves the request before they are stored (the answer waits for them), so no other request
 * can look for them earlier; within the request the adapter answers from here.
 *
 * The entries the request destroys go the same way, in one delete before the insert: a resumed authorization
 * removes its interaction and the session it replaces (oidc-provider gives a session a new id at each sign-in
 * or consent) in one command. Within the request they read as gone at once.
 *
 * So do the entries it consumes (a refresh token as it is rotated, a code as it is exchanged): the consumption
 * and the new entries are then one update command, the new entries as upserts first. The provider never reads
 * whether a consumption took, only whether a token it reads was consumed, and no token leaves the request before
 * the command has stored both; within the request a consumed entry reads as consumed at once.
 */
export class EntryBatch {
  private readonly pending = new Map<string, PendingEntry>();
  /** Keys destroyed in this request, by tenant (a delete is scoped by its tenant like every other command). */
  private readonly destroyed = new Map<string, Set<string>>();
  /**
   * Entries read together with another one this request looked up (a token with its grant, mongo-adapter.ts),
   * for the lookup that follows in this request: as fresh as that read. Each answers once, and any write of it
   * in this request forgets it.
   */
  private readonly readAhead = new Map<string, OidcEntryDoc>();
  /** Keys consumed in this request, with the time of their first consumption here. */
  private readonly consumed = new Map<string, Date>();

  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** Adds an entry, or replaces the one of the same key saved earlier in this request. */
  put(entry: PendingEntry): void {
    this.destroyed.get(entry.doc.tenantId)?.delete(entry.doc._id);
    this.readAhead.delete(entry.doc._id);
    this.pending.set(entry.doc._id, entry);
  }

  /** Removes the entry of `key` when the request has answered, whether it was stored before or is pending. */
  destroy(tenantId: string, key: string): void {
    this.pending.delete(key);
    this.readAhead.delete(key);
    const keys = this.destroyed.get(tenantId) ?? new Set<string>();
    keys.add(key);
    this.destroyed.set(tenantId, keys);
  }

  /** Marks the entry of `key` consumed when the request has answered; a stored earlier consumption stays the first. */
  consume(key: string, at: Date): void {
    this.readAhead.delete(key);
    if (!this.consumed.has(key)) this.consumed.set(key, at);
  }

  consumedAt(key: string): Date | undefined {
    return this.consumed.get(key);
  }

  isDestroyed(tenantId: string, key: string): boolean {
    return this.destroyed.get(tenantId)?.has(key) ?? false;
  }

  keepRead(doc: OidcEntryDoc): void {
    this.readAhead.set(doc._id, doc);
  }

  /** The entry read ahead under this key, once. */
  takeRead(key: string): OidcEntryDoc | undefined {
    const doc = this.readAhead.get(key);
    this.readAhead.delete(key);
    return doc;
  }

  find(match: (doc: OidcEntryDoc) => boolean): PendingEntry | undefined {
    for (const entry of this.pending.values()) if (match(entry.doc)) return entry;
    return undefined;
  }

  /** Forgets entries removed before they were written (a destroy, a grant's revocation), and those read ahead. */
  drop(match: (doc: OidcEntryDoc) => boolean): void {
    for (const [key, entry] of this.pending) if (match(entry.doc)) this.pending.delete(key);
    for (const [key, doc] of this.readAhead) if (match(doc)) this.readAhead.delete(key);
  }

  /**
   * One delete of the destroyed entries, then one insert of every pending entry, or, where the request consumed
   * entries, one update that upserts them and then marks the consumed ones. Where an entry already exists (saved
   * again without this process knowing it was stored), the insert fails on it and each is written as the adapter
   * writes one alone: its insert, else its update.
   */
  async write(entries: OidcEntryStore): Promise<void> {
    const destroyed = [...this.destroyed];
    this.destroyed.clear();
    for (const [tenantId, keys] of destroyed) await entries.deleteMany({ tenantId, _id: { $in: [...keys] } });
    const all = [...this.pending.values()];
    this.pending.clear();
    const consumptions = [...this.consumed].map(([_id, at]) => consumption(_id, at));
    this.consumed.clear();
    if (consumptions.length) {
      // Upserts first: an entry saved and consumed in this request exists before it is marked.
      await entries.updateEach([...all.map(upsertion), ...consumptions]);
      return;
    }
    if (!all.length) return;
    try {
      await entries.insertMany(all.map((entry) => entry.doc), { ordered: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      for (const entry of all) await insertOrUpdate(entries, entry);
    }
  }
}

/**
 * Marks an entry consumed, once: a refresh token retried within its reuse interval is consumed again, and must not
 * move the interval's start, or retries would keep it usable for ever.
 */
export function consumption(_id: string, at: Date) {
  return { filter: { _id, consumedAt: { $exists: false } }, update: { $set: { consumedAt: at } } };
}

/** Writes an entry whether or not it is stored: the update that replaces a stored one, else its insert. */
function upsertion(entry: PendingEntry) {
  return { filter: { _id: entry.doc._id }, update: entry.update, upsert: true };
}

/** Writes an entry with its upsertion alone. */
export function upsertEntry(entries: OidcEntryStore, entry: PendingEntry) {
  const { filter, update, upsert } = upsertion(entry);
  return entries.updateOne(filter, update, { upsert });
}

/** The insert, else (the key exists) the update that replaces the entry. */
export async function insertOrUpdate(entries: OidcEntryStore, entry: PendingEntry): Promise<void> {
  try {
    await entries.insertMany([entry.doc]);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await upsertEntry(entries, entry);
  }
}

const batches = new WeakMap<object, EntryBatch>();

/** The batch of the provider request being answered, if the adapter runs inside one. */
export function batchOf(ctx: object | undefined): EntryBatch | undefined {
  return ctx ? batches.get(ctx) : undefined;
}

/**
 * Provider middleware: gives each request its batch and writes it once the provider has answered, before the
 * answer is sent. Written even when the request failed, as each entry would have been when it was saved.
 */
export function entryBatches(model: OidcEntryModel): Middleware {
  const entries = oidcEntryStore(model);
  return async (ctx, next) => {
    const batch = new EntryBatch();
    batches.set(ctx, batch);
    try {
      await next();
    } finally {
      batches.delete(ctx);
      await batch.write(entries);
    }
  };
}
