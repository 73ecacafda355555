import { randomBytes } from 'node:crypto';
import { LOCK_CLIENT_PROPERTY } from '../access/access-audience.js';
import type { MasterKey } from '../crypto/master-key.js';
import { BoundedCache } from '../db/bounded-cache.js';
import { newId } from '../db/ids.js';
import { ConflictError, NotFoundError } from '../errors/http-errors.js';
import type { ClientDoc, ClientModel } from './client.model.js';
import { isPublic } from './client-registration.js';
import { CONSOLE_CLIENT_ID } from './console-client.js';

export interface ClientRegistration {
  client_id?: string;
  client_name?: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none' | 'private_key_jwt';
  scope?: string;
  [metadata: string]: unknown;
}

/** A client as admins see it: its registration, never its secret. */
export interface ClientRecord {
  clientId: string;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** Ends a deleted client's grants and tokens. */
export type RevokeClient = (tenantId: string, clientId: string) => Promise<unknown>;

export interface ClientServiceOptions {
  /**
   * How long a registration read for the provider is trusted before it is read again (TENANT_REFRESH_MS).
   * 0: read on every use.
   */
  cacheTtlMs?: number;
  /** Registrations kept, across all tenants. */
  cacheMax?: number;
}

/**
 * OIDC clients of a tenant. A secret is returned once, by `create` or `rotateSecret`; afterwards only its sealed
 * form exists. The provider asks for a client several times per sign-in and once per token request, so what it
 * is given is kept for `cacheTtlMs`: a change made here (update, new secret, deletion) takes effect at once in
 * this process, and within `cacheTtlMs` in every other one, which reads the registration again by then.
 */
export class ClientService {
  private readonly registrations: BoundedCache<Record<string, unknown>>;

  constructor(
    private readonly clients: ClientModel,
    private readonly masterKey: MasterKey,
    private readonly revokeClient: RevokeClient,
    options: ClientServiceOptions = {},
  ) {
    // Unknown client ids are not remembered: a client registered in another process works at its first use.
    this.registrations = new BoundedCache({ ttlMs: options.cacheTtlMs ?? 0, max: options.cacheMax ?? 10_000 });
  }

  async create(tenantId: string, registration: ClientRegistration, secret?: string): Promise<{ clientId: string; clientSecret?: string }> {
    const { client_id, ...metadata } = registration;
    const clientId = client_id ?? newId('cli');
    refuseBuiltIn(clientId);
    if (await this.clients.exists({ tenantId, clientId })) throw new ConflictError(`Client ${clientId} already exists`);
    const clientSecret = isPublic(metadata) || metadata.token_endpoint_auth_method === 'private_key_jwt' ? undefined : (secret ?? newSecret());
    await this.clients.insertMany([
      { _id: newId('cld'), tenantId, clientId, metadata, sealedSecret: clientSecret ? this.seal(tenantId, clientId, clientSecret) : undefined },
    ]);
    return { clientId, clientSecret };
  }

  /** The registration as oidc-provider expects it, secret included. */
  providerMetadata(tenantId: string, clientId: string): Promise<Record<string, unknown> | undefined> {
    return this.registrations.get(cacheKey(tenantId, clientId), async () => {
      const doc = await this.clients.findOne({ tenantId, clientId }).lean();
      if (!doc) return undefined;
      const secret = doc.sealedSecret ? this.masterKey.unwrap(doc.sealedSecret, aad(tenantId, clientId)).toString('utf8') : undefined;
      return { ...doc.metadata, client_id: clientId, ...(secret ? { client_secret: secret } : {}) };
    });
  }

  async get(tenantId: string, clientId: string): Promise<ClientRecord> {
    const doc = await this.clients.findOne({ tenantId, clientId }).lean();
    if (!doc) throw new NotFoundError('Client');
    return toRecord(doc);
  }

  async list(tenantId: string, page: { cursor?: string; limit: number }): Promise<{ items: ClientRecord[]; nextCursor: string | null }> {
    const filter: Record<string, unknown> = { tenantId };
    // Ordered by document id, which never changes: a page boundary stays put while clients come and go.
    if (page.cursor) filter._id = { $gt: Buffer.from(page.cursor, 'base64url').toString('utf8') };
    const docs = await this.clients.find(filter).sort({ _id: 1 }).limit(page.limit + 1).lean();
    const items = docs.slice(0, page.limit);
    const more = docs.length > page.limit;
    return { items: items.map(toRecord), nextCursor: more ? Buffer.from(items[items.length - 1]!._id).toString('base64url') : null };
  }

  /** A client of the tenant holding a service role, if any (the platform's operator accounts). */
  async findWithServiceRole(tenantId: string, role: string): Promise<ClientRecord | undefined> {
    const doc = await this.clients.findOne({ tenantId, 'metadata.service_roles': role }).lean();
    return doc ? toRecord(doc) : undefined;
  }

  /** Replaces the registration; the secret stays. A client cannot turn public or confidential: it holds a secret or it does not. */
  async update(tenantId: string, clientId: string, registration: Omit<ClientRegistration, 'client_id'>): Promise<ClientRecord> {
    refuseBuiltIn(clientId);
    const current = await this.get(tenantId, clientId);
    refuseLockClient(current.metadata);
    if (isPublic(current.metadata) !== isPublic(registration)) {
      throw new ConflictError('A client cannot change between public (none) and confidential authentication; register a new client');
    }
    const updated = await this.clients.findOneAndUpdate({ tenantId, clientId }, { $set: { metadata: registration } }, { returnDocument: 'after' }).lean();
    this.forget(tenantId, clientId);
    if (!updated) throw new NotFoundError('Client');
    return toRecord(updated);
  }

  /** A new secret, returned this once; the old one stops working immediately. */
  async rotateSecret(tenantId: string, clientId: string): Promise<{ clientId: string; clientSecret: string }> {
    refuseBuiltIn(clientId);
    const current = await this.get(tenantId, clientId);
    refuseLockClient(current.metadata);
    if (isPublic(current.metadata)) throw new ConflictError('A public client has no secret to rotate');
    const clientSecret = newSecret();
    await this.clients.updateOne({ tenantId, clientId }, { $set: { sealedSecret: this.seal(tenantId, clientId, clientSecret) } });
    this.forget(tenantId, clientId);
    return { clientId, clientSecret };
  }

  /**
   * Deletes the client first, so it can obtain nothing new, then ends what it already holds. A lock's client
   * goes only with its lock (`asLock`, src/access/lock.service.ts), so no lock is left without its client.
   */
  async delete(tenantId: string, clientId: string, options: { asLock?: boolean } = {}): Promise<void> {
    refuseBuiltIn(clientId);
    const filter = { tenantId, clientId, [`metadata.${LOCK_CLIENT_PROPERTY}`]: options.asLock ? { $type: 'string' } : null };
    const deleted = await this.clients.findOneAndDelete(filter).lean();
    this.forget(tenantId, clientId);
    if (!deleted && !options.asLock && (await this.clients.exists({ tenantId, clientId }))) refuseLockClient({ [LOCK_CLIENT_PROPERTY]: true });
    if (!deleted) throw new NotFoundError('Client');
    await this.revokeClient(tenantId, clientId);
  }

  /** A registration read before a change must not outlive it in this process. */
  private forget(tenantId: string, clientId: string): void {
    this.registrations.forget(cacheKey(tenantId, clientId));
  }

  private seal(tenantId: string, clientId: string, secret: string): string {
    return this.masterKey.wrap(Buffer.from(secret), aad(tenantId, clientId));
  }
}

/**
 * The console client is derived for every tenant (see console-client.ts), never stored: a stored client of that
 * id would be shadowed by it, and an admin who could delete it could lock every admin out of the console.
 */
function refuseBuiltIn(clientId: string): void {
  if (clientId === CONSOLE_CLIENT_ID) throw new ConflictError(`${CONSOLE_CLIENT_ID} is the built-in console client; it cannot be registered, changed or deleted`);
}

/** A lock's client is changed and retired through its lock, which holds the doors it serves. */
function refuseLockClient(metadata: Record<string, unknown>): void {
  if (metadata[LOCK_CLIENT_PROPERTY] !== undefined) throw new ConflictError('This client is a lock\'s; change or retire it through the lock');
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function toRecord(doc: ClientDoc): ClientRecord {
  return { clientId: doc.clientId, metadata: doc.metadata, createdAt: doc.createdAt, updatedAt: doc.updatedAt };
}

function cacheKey(tenantId: string, clientId: string): string {
  return `${tenantId}\u0000${clientId}`;
}

function aad(tenantId: string, clientId: string): string {
  return `client-secret:${tenantId}:${clientId}`;
}
