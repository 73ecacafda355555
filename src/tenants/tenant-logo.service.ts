import { createHash } from 'node:crypto';
import { tenantScopedId } from '../db/tenant-scope.plugin.js';
import type { TenantLogoModel } from './tenant-logo.model.js';
import type { TenantDoc } from './tenant.model.js';
import type { TenantService } from './tenant.service.js';

export interface StoredLogo {
  contentType: string;
  data: Buffer;
  sha256: string;
}

/**
 * A tenant's logo: the image in its own document, its description in the tenant's settings. Updating the
 * settings bumps configVersion, so every process's pages link the new image within TENANT_REFRESH_MS.
 */
export class TenantLogoService {
  constructor(
    private readonly logos: TenantLogoModel,
    private readonly tenants: TenantService,
  ) {}

  /** `data` must already be checked (type by magic bytes, size): see the admin route. */
  async put(tenantId: string, contentType: string, data: Buffer): Promise<TenantDoc> {
    const sha256 = createHash('sha256').update(data).digest('base64url');
    const updatedAt = new Date();
    const _id = tenantScopedId(tenantId, 'logo');
    await this.logos.replaceOne({ _id }, { _id, tenantId, contentType, data, sha256, updatedAt }, { upsert: true });
    return this.tenants.update(tenantId, { settings: { logo: { contentType, size: data.length, sha256, updatedAt } } });
  }

  /** The pages stop linking the logo first, then the image goes. */
  async delete(tenantId: string): Promise<TenantDoc> {
    const updated = await this.tenants.update(tenantId, { settings: { logo: null } });
    await this.logos.deleteOne({ _id: tenantScopedId(tenantId, 'logo') });
    return updated;
  }

  async get(tenantId: string): Promise<StoredLogo | null> {
    // Not lean: the driver's Binary becomes a Buffer only through the model.
    const doc = await this.logos.findOne({ _id: tenantScopedId(tenantId, 'logo') });
    return doc && { contentType: doc.contentType, data: Buffer.from(doc.data), sha256: doc.sha256 };
  }
}
