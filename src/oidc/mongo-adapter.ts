import { LRUCache } from 'lru-cache';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SessionDevice } from '../account/session-device.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { consumption, insertOrUpdate, upsertEntry, type EntryBatch, type PendingEntry } from './entry-batch.js';
import { oidcEntryId, oidcEntryStore, type OidcEntryDoc, type OidcEntryModel, type OidcEntryStore } from './oidc-entry.model.js';
import { accountOf, openPayload, sealPayloadJson } from './oidc-payload.js';

/** The kinds oidc-provider saves again under the same id; every other entry is written once. */
const REWRITTEN_KINDS = new Set(['Interaction', 'Session', 'Grant']);
/** What oidc-provider looks up and then, in the same request, looks up the grant of (code exchange, userinfo, refresh). */
const TOKENS_BEFORE_GRANT = new Set(['AuthorizationCode', 'AccessToken', 'RefreshToken']);

/**
 * oidc-provider's storage for one tenant and one model kind. Bound to its tenant at construction, so no
 * call can reach another tenant's entries. Expired entries are never returned, whether or not the server
 * has already removed them.
 */
export class MongoAdapter implements Adapter {
  /**
   * Entries this process has just read or written: saved again (an interaction given its result, a session),
   * they take the update at once instead of an insert that must fail first. Only a hint: a wrong guess costs
   * an upsert, never a wrong entry.
   */
  private readonly existing = new LRUCache<string, true>({ max: 1_000 });
  /**
   * The grant of each token this process has written or read. A token never changes grant, so this names which
   * grant to read along with the token, in one command, when the token comes back (a code exchange, a userinfo
   * call, a refresh): both are read then, so the grant is exactly as fresh as the token. A token this process
   * never saw is read alone, and its grant after it.
   */
  private readonly grantOfToken: LRUCache<string, string> | undefined;
  private readonly entries: OidcEntryStore;

  constructor(
    model: OidcEntryModel,
    private readonly tenantId: string,
    private readonly kind: string,
    /** The tenant's field cipher, which seals payloads (see oidc-payload.ts); tests of storage alone omit it. */
    private readonly cipher?: FieldCipher,
    /** The browser and system of the request being answered, for a session entry written as someone signs in. */
    private readonly sessionDevice?: () => SessionDevice | undefined,
    /** The tenant's refresh token reuse interval in milliseconds (see REFRESH_TOKEN_REUSE_INTERVAL). */
    private readonly reuseIntervalMs = 0,
    /** The batch of the provider request being answered (entry-batch.ts): new entries wait there to be written together. */
    private readonly batch: () => EntryBatch | undefined = () => undefined,
  ) {
    this.entries = oidcEntryStore(model);
    if (TOKENS_BEFORE_GRANT.has(kind)) this.grantOfToken = new LRUCache({ max: 1_000 });
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const json = JSON.stringify(payload);
    const fields = {
      payload: sealPayloadJson(this.cipher, this.kind, id, json),
      grantId: payload.grantId,
      accountId: accountOf(payload),
      clientId: payload.clientId,
      uid: payload.uid,
      userCode: payload.userCode,
      expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : undefined,
    };
    const $set: Record<string, unknown> = {};
    const $unset: Record<string, ''> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) $unset[field] = '';
      else $set[field] = value;
    }
    const _id = this.key(id);
    // oidc-provider writes a session under a new id at every sign-in (and at each later authorization in
    // the same browser): the device is read then, and an entry written again keeps the one it has.
    const device = this.kind === 'Session' && payload.accountId ? this.sessionDevice?.() : undefined;
    const identity = { tenantId: this.tenantId, kind: this.kind, id, ...(device ? { device } : {}) };
    const entry: PendingEntry = {
      doc: { _id, ...identity, ...$set } as OidcEntryDoc,
      // The update replaces the entry: a lookup field or expiry the new payload lacks must not linger from the
      // old one. `consumedAt` is kept: consumption is never undone.
      update: { $set, ...(Object.keys($unset).length ? { $unset } : {}), $setOnInsert: identity },
      json,
    };
    if (payload.grantId) this.grantOfToken?.set(_id, payload.grantId);
    const batch = this.batch();
    // What was read ahead of this save is no longer the entry.
    batch?.takeRead(_id);
    // A new entry waits for the request's batch; one saved earlier in this request and not written yet is replaced.
    if (batch && (batch.has(_id) || !this.existing.has(_id))) {
      batch.put(entry);
      this.remember(_id);
      return;
    }
    // Most entries are written once (codes, tokens, grants), so an insert is tried first: the unique key makes
    // it safe, and it is one indexed write on every server, where FerretDB v1 answers an update by scanning the
    // whole collection. An entry written again (a session, an interaction) takes the update at once.
    if (this.existing.has(_id)) await upsertEntry(this.entries, entry);
    else await insertOrUpdate(this.entries, entry);
    this.remember(_id);
  }

  private remember(key: string): void {
    if (REWRITTEN_KINDS.has(this.kind)) this.existing.set(key, true);
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.findOne({ _id: this.key(id) });
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findOne({ uid });
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findOne({ userCode });
  }

  /** Stored with the request's new entries (entry-batch.ts), or at once outside a provider request. */
  async consume(id: string): Promise<void> {
    const batch = this.batch();
    if (batch) return batch.consume(this.key(id), new Date());
    const { filter, update } = consumption(this.key(id), new Date());
    await this.entries.updateOne(filter, update);
  }

  async destroy(id: string): Promise<void> {
    const key = this.key(id);
    this.existing.delete(key);
    this.grantOfToken?.delete(key);
    const batch = this.batch();
    if (batch) batch.destroy(this.tenantId, key);
    else await this.entries.deleteOne({ _id: key });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.batch()?.drop((doc) => doc.tenantId === this.tenantId && doc.grantId === grantId);
    await this.entries.deleteMany({ tenantId: this.tenantId, grantId });
  }

  private key(id: string): string {
    return oidcEntryId(this.tenantId, this.kind, id);
  }

  /** By key alone (scoped by construction) or by a lookup field within this tenant and kind. */
  private async findOne(filter: { _id: string } | { uid: string } | { userCode: string }): Promise<AdapterPayload | undefined> {
    const batch = this.batch();
    const pending = batch?.find((doc) =>
      '_id' in filter ? doc._id === filter._id : doc.tenantId === this.tenantId && doc.kind === this.kind && Object.entries(filter).every(([field, value]) => doc[field as keyof OidcEntryDoc] === value),
    );
    // Read back as the stored entry would be: a copy the provider may change, parsed from the same JSON.
    if (pending) return this.marked(JSON.parse(pending.json) as AdapterPayload, batch?.consumedAt(pending.doc._id));
    if ('_id' in filter && batch?.isDestroyed(this.tenantId, filter._id)) return undefined;
    const doc = '_id' in filter ? (batch?.takeRead(filter._id) ?? (await this.readByKey(filter._id, batch))) : await this.entries.findOne({ tenantId: this.tenantId, kind: this.kind, ...filter });
    if (!doc || doc.tenantId !== this.tenantId || (doc.expiresAt && doc.expiresAt.getTime() <= Date.now())) return undefined;
    if (batch?.isDestroyed(this.tenantId, doc._id)) return undefined;
    this.remember(doc._id);
    if (doc.grantId) this.grantOfToken?.set(doc._id, doc.grantId);
    const payload = openPayload(this.cipher, doc);
    return payload && this.marked(payload, doc.consumedAt ?? batch?.consumedAt(doc._id));
  }

  private marked(payload: AdapterPayload, consumedAt: Date | undefined): AdapterPayload {
    if (consumedAt && !this.inReuseInterval(consumedAt)) payload.consumed = Math.floor(consumedAt.getTime() / 1000);
    return payload;
  }

  /**
   * An entry by key; a token whose grant is known is read with that grant in one command, the grant kept for the
   * grant lookup that follows in this request (EntryBatch.takeRead). Only where the token still names that grant.
   */
  private async readByKey(_id: string, batch: EntryBatch | undefined): Promise<OidcEntryDoc | null> {
    const grantId = this.grantOfToken?.get(_id);
    if (!grantId || !batch) return this.entries.findOne({ _id });
    const grantKey = oidcEntryId(this.tenantId, 'Grant', grantId);
    const docs = await this.entries.find({ tenantId: this.tenantId, _id: { $in: [_id, grantKey] } });
    const doc = docs.find((d) => d._id === _id);
    const grant = docs.find((d) => d._id === grantKey);
    if (doc?.grantId === grantId && grant) batch.keepRead(grant);
    return doc ?? null;
  }

  /**
   * A refresh token rotated moments ago reads as unused, so the provider answers its retry with a fresh token
   * of the same grant. Past the interval it reads as consumed, and the provider revokes the grant on its reuse.
   */
  private inReuseInterval(consumedAt: Date): boolean {
    return this.kind === 'RefreshToken' && Date.now() - consumedAt.getTime() < this.reuseIntervalMs;
  }
}
