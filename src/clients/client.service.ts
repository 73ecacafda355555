import { randomBytes } from 'node:crypto';
import type { MasterKey } from '../crypto/master-key.js';
import { newId } from '../db/ids.js';
import { ConflictError } from '../errors/http-errors.js';
import type { ClientModel } from './client.model.js';

export interface ClientRegistration {
  client_id?: string;
  client_name?: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  grant_types?: string[];
  response_types?: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none';
  scope?: string;
  [metadata: string]: unknown;
}

/** OIDC clients of a tenant. A new secret is returned once, by `create`; afterwards only its sealed form exists. */
export class ClientService {
  constructor(
    private readonly clients: ClientModel,
    private readonly masterKey: MasterKey,
  ) {}

  async create(tenantId: string, registration: ClientRegistration, secret?: string): Promise<{ clientId: string; clientSecret?: string }> {
    const { client_id, ...metadata } = registration;
    const clientId = client_id ?? newId('cli');
    if (await this.clients.exists({ tenantId, clientId })) throw new ConflictError(`Client ${clientId} already exists`);
    const isPublic = metadata.token_endpoint_auth_method === 'none';
    const clientSecret = isPublic ? undefined : (secret ?? randomBytes(32).toString('base64url'));
    await this.clients.insertMany([
      {
        _id: newId('cld'),
        tenantId,
        clientId,
        metadata,
        sealedSecret: clientSecret ? this.masterKey.wrap(Buffer.from(clientSecret), aad(tenantId, clientId)) : undefined,
      },
    ]);
    return { clientId, clientSecret };
  }

  /** The registration as oidc-provider expects it, secret included. */
  async providerMetadata(tenantId: string, clientId: string): Promise<Record<string, unknown> | undefined> {
    const doc = await this.clients.findOne({ tenantId, clientId }).lean();
    if (!doc) return undefined;
    const secret = doc.sealedSecret ? this.masterKey.unwrap(doc.sealedSecret, aad(tenantId, clientId)).toString('utf8') : undefined;
    return { ...doc.metadata, client_id: clientId, ...(secret ? { client_secret: secret } : {}) };
  }
}

function aad(tenantId: string, clientId: string): string {
  return `client-secret:${tenantId}:${clientId}`;
}
