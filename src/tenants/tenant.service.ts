import { newId } from '../db/ids.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/http-errors.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import { PLATFORM_TENANT } from '../admin-api/principal.js';
import type { TenantKeyRegistry } from '../privacy/tenant-key-registry.js';
import type { ResourceServerService } from './resource-server.service.js';
import type { TenantDoc, TenantModel, TenantSettings } from './tenant.model.js';

export interface CreateTenantInput {
  slug: string;
  name: string;
  settings?: Partial<TenantSettings>;
}

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

export class TenantService {
  constructor(
    private readonly tenants: TenantModel,
    private readonly signingKeys: SigningKeyService,
    private readonly tenantKeys: TenantKeyRegistry,
    private readonly resourceServers: ResourceServerService,
  ) {}

  async create(input: CreateTenantInput): Promise<TenantDoc> {
    // The pool only routes slugs of this shape; any other tenant would exist but never answer.
    if (!SLUG_PATTERN.test(input.slug)) throw new ValidationError([{ field: 'slug', message: 'lower-case letters, digits and dashes, 2-63 characters' }]);
    if (await this.tenants.exists({ slug: input.slug })) throw new ConflictError(`Tenant ${input.slug} already exists`);
    const _id = newId('ten');
    // Keys first: a tenant document that exists is a tenant whose provider can be built.
    const wrappedDataKey = await this.tenantKeys.create(_id);
    const signingKeyIds = await this.signingKeys.createInitialKeys(_id);
    const { resources = [], ...settings } = input.settings ?? {};
    await this.resourceServers.adopt(_id, resources);
    const [created] = await this.tenants.insertMany([{ _id, slug: input.slug, name: input.name, settings, signingKeyIds }]);
    return { ...created!.toObject(), settings: { ...created!.toObject().settings, resources: await this.resourceServers.list(_id) }, wrappedDataKey };
  }

  async findBySlug(slug: string): Promise<TenantDoc | null> {
    const doc = await this.tenants.findOne({ slug }).lean();
    return doc && (await this.withDataKeys([doc]))[0]!;
  }

  async getBySlug(slug: string): Promise<TenantDoc> {
    const tenant = await this.findBySlug(slug);
    if (!tenant) throw new NotFoundError('Tenant');
    return tenant;
  }

  /** The cheap read that keeps every process's provider in step with the tenant document. */
  async configVersion(slug: string): Promise<number | null> {
    const doc = await this.tenants.findOne({ slug }, { configVersion: 1 }).lean();
    return doc?.configVersion ?? null;
  }

  async update(tenantId: string, set: Partial<Pick<TenantDoc, 'name' | 'state'>> & { settings?: Partial<Omit<TenantSettings, 'resources'>> }): Promise<TenantDoc> {
    // Operators get their admin API tokens from the platform tenant: with it suspended, nobody could resume it.
    if (set.state !== undefined && set.state !== 'active' && (await this.tenants.exists({ _id: tenantId, slug: PLATFORM_TENANT }))) {
      throw new ConflictError(`The platform tenant stays active: suspended or terminated, it would lock every operator out for good`);
    }
    const $set: Record<string, unknown> = {};
    if (set.name !== undefined) $set.name = set.name;
    if (set.state !== undefined) $set.state = set.state;
    for (const [key, value] of Object.entries(set.settings ?? {})) $set[`settings.${key}`] = value;
    const updated = await this.tenants.findOneAndUpdate({ _id: tenantId }, { $set, $inc: { configVersion: 1 } }, { returnDocument: 'after' }).lean();
    if (!updated) throw new NotFoundError('Tenant');
    return (await this.withDataKeys([updated]))[0]!;
  }

  async setState(tenantId: string, state: TenantDoc['state']): Promise<TenantDoc> {
    return this.update(tenantId, { state });
  }

  async list(page: { cursor?: string; limit: number }): Promise<{ items: TenantDoc[]; nextCursor: string | null }> {
    const filter = page.cursor ? { slug: { $gt: Buffer.from(page.cursor, 'base64url').toString('utf8') } } : {};
    const docs = await this.tenants.find(filter).sort({ slug: 1 }).limit(page.limit + 1).lean();
    const items = await this.withDataKeys(docs.slice(0, page.limit));
    return { items, nextCursor: docs.length > page.limit ? Buffer.from(items[items.length - 1]!.slug).toString('base64url') : null };
  }

  async rotateSigningKeys(tenantId: string, retainSeconds: number): Promise<void> {
    const signingKeyIds = await this.signingKeys.rotate(tenantId, retainSeconds);
    await this.tenants.updateOne({ _id: tenantId }, { $set: { signingKeyIds }, $inc: { configVersion: 1 } });
  }

  /**
   * Tenant documents as callers know them, with the data key from the key registry: the stored document (and
   * so every backup) never holds it. Absent only for a tenant whose termination destroyed it; the keyring
   * refuses such a tenant. Their resource servers are attached too, from their own collection.
   */
  private async withDataKeys(docs: TenantDoc[]): Promise<TenantDoc[]> {
    // Reads only: keys and resources that old documents held were moved by migrations 0001 and 0002.
    const keys = await this.tenantKeys.wrappedKeysOf(docs.map((d) => d._id));
    const resources = await this.resourceServers.listOf(docs.map((d) => d._id));
    return docs.map((doc) => ({ ...doc, settings: { ...doc.settings, resources: resources.get(doc._id) ?? [] }, wrappedDataKey: keys.get(doc._id) as string }));
  }
}
