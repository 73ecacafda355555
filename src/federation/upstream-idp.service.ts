import type { MasterKey } from '../crypto/master-key.js';
import { newId } from '../db/ids.js';
import { NotFoundError } from '../errors/http-errors.js';
import type { RoleMapping } from './role-mapping.js';
import type { LinkExistingUsers, UpstreamIdpDoc, UpstreamIdpModel } from './upstream-idp.model.js';
import { BoundedCache } from '../db/bounded-cache.js';

export interface UpstreamIdpInput {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  emailDomains?: string[];
  jitCreate?: boolean;
  roleMappings?: RoleMapping[];
  linkExistingUsers?: LinkExistingUsers;
  requireForDomains?: boolean;
}

export type UpstreamIdpPatch = Partial<UpstreamIdpInput>;

/** An address's domain as a provider's `emailDomains` hold it (lowercase), or undefined for no address at all. */
export function emailDomainOf(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1).trim().toLowerCase();
  return at > 0 && domain ? domain : undefined;
}

/** The sealed secret's binding: a box moved to another provider or tenant does not open. */
const aad = (tenantId: string, id: string) => `upstream-idp-secret:${tenantId}:${id}`;
const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

function normalized(input: UpstreamIdpPatch) {
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    // One spelling of the issuer: the `iss` of its ID tokens is compared with it as a string.
    ...(input.issuer !== undefined ? { issuer: input.issuer.replace(/\/+$/, '') } : {}),
    ...(input.clientId !== undefined ? { clientId: input.clientId } : {}),
    ...(input.scopes !== undefined ? { scopes: [...new Set(['openid', ...input.scopes])] } : {}),
    ...(input.emailDomains !== undefined ? { emailDomains: [...new Set(input.emailDomains.map((d) => d.toLowerCase()))] } : {}),
    ...(input.jitCreate !== undefined ? { jitCreate: input.jitCreate } : {}),
    ...(input.roleMappings !== undefined ? { roleMappings: input.roleMappings.map(({ claim, value, role }) => ({ claim, value, role })) } : {}),
    ...(input.linkExistingUsers !== undefined ? { linkExistingUsers: input.linkExistingUsers } : {}),
    ...(input.requireForDomains !== undefined ? { requireForDomains: input.requireForDomains } : {}),
  };
}

const DEFAULTS = { scopes: DEFAULT_SCOPES, emailDomains: [], jitCreate: false, roleMappings: [], linkExistingUsers: 'never', requireForDomains: true } as const;

/**
 * A stored provider with every setting: one written before a setting existed reads as its default (lean reads
 * skip the schema's defaults), so no migration is needed when one is added.
 */
function withDefaults(doc: UpstreamIdpDoc): UpstreamIdpDoc {
  const missing = Object.entries(DEFAULTS).filter(([key]) => doc[key as keyof UpstreamIdpDoc] === undefined || doc[key as keyof UpstreamIdpDoc] === null);
  return missing.length ? { ...doc, ...Object.fromEntries(missing) } : doc;
}

/** A tenant's upstream OpenID providers. The client secret goes in sealed and never comes out of the API. */
export class UpstreamIdpService {
  /**
   * Each tenant's providers as the sign-in pages read them (every login page, every email typed): kept for
   * TENANT_REFRESH_MS, forgotten at once when this process changes them, so another process offers a change
   * at most that much later. The admin API and the flow itself read the database.
   */
  private readonly kept: BoundedCache<UpstreamIdpDoc[]>;
  /** Told of each provider changed or removed here, so what is kept about it elsewhere goes at once. */
  private readonly changeListeners: ((tenantId: string, id: string) => void)[] = [];

  constructor(
    private readonly idps: UpstreamIdpModel,
    private readonly masterKey: MasterKey,
    keptMs = 0,
  ) {
    this.kept = new BoundedCache({ ttlMs: keptMs, max: 10_000 });
  }

  onChange(listener: (tenantId: string, id: string) => void): void {
    this.changeListeners.push(listener);
  }

  private changed(tenantId: string, id?: string): void {
    this.kept.forget(tenantId);
    if (id) for (const listener of this.changeListeners) listener(tenantId, id);
  }

  /** The tenant's providers for its sign-in pages, within the bound above. */
  async forSignIn(tenantId: string): Promise<UpstreamIdpDoc[]> {
    return (await this.kept.get(tenantId, () => this.list(tenantId))) ?? [];
  }

  async create(tenantId: string, input: UpstreamIdpInput): Promise<UpstreamIdpDoc> {
    const _id = newId('idp');
    const sealedSecret = this.masterKey.wrap(Buffer.from(input.clientSecret), aad(tenantId, _id));
    const doc = { ...DEFAULTS, ...normalized(input), _id, tenantId, sealedSecret };
    const [created] = await this.idps.insertMany([doc]);
    this.changed(tenantId);
    return created!.toObject();
  }

  async list(tenantId: string): Promise<UpstreamIdpDoc[]> {
    return (await this.idps.find({ tenantId }).sort({ _id: 1 }).lean()).map(withDefaults);
  }

  async get(tenantId: string, id: string): Promise<UpstreamIdpDoc> {
    const doc = await this.idps.findOne({ tenantId, _id: id }).lean();
    if (!doc) throw new NotFoundError('Upstream identity provider');
    return withDefaults(doc);
  }

  async update(tenantId: string, id: string, patch: UpstreamIdpPatch): Promise<UpstreamIdpDoc> {
    const $set: Record<string, unknown> = normalized(patch);
    if (patch.clientSecret !== undefined) $set.sealedSecret = this.masterKey.wrap(Buffer.from(patch.clientSecret), aad(tenantId, id));
    const doc = await this.idps.findOneAndUpdate({ tenantId, _id: id }, { $set }, { returnDocument: 'after' }).lean();
    this.changed(tenantId, id);
    if (!doc) throw new NotFoundError('Upstream identity provider');
    return withDefaults(doc);
  }

  /** Links made through it stay: the people keep their users, and a provider added again finds them. */
  async delete(tenantId: string, id: string): Promise<void> {
    const { deletedCount } = await this.idps.deleteOne({ tenantId, _id: id });
    this.changed(tenantId, id);
    if (!deletedCount) throw new NotFoundError('Upstream identity provider');
  }

  secretOf(idp: Pick<UpstreamIdpDoc, '_id' | 'tenantId' | 'sealedSecret'>): string {
    return this.masterKey.unwrap(idp.sealedSecret, aad(idp.tenantId, idp._id)).toString('utf8');
  }
}
