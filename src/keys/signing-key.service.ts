import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { MasterKey } from '../crypto/master-key.js';
import { tenantScopedId } from '../db/tenant-scope.plugin.js';
import type { SigningAlg, SigningKeyDoc, SigningKeyModel } from './signing-key.model.js';

export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'RS256'];

/**
 * Per-tenant signing keys. Each algorithm always has one `current` key (signs) and one `next` key (published
 * ahead of its use); rotation promotes next to current and keeps the old current published as `retired`
 * until every token it signed has expired.
 */
export class SigningKeyService {
  constructor(
    private readonly keys: SigningKeyModel,
    private readonly masterKey: MasterKey,
  ) {}

  /** Returns the ids of the keys made: the tenant document lists them (see `providerJwks`). */
  async createInitialKeys(tenantId: string): Promise<string[]> {
    const now = new Date();
    const docs: SigningKeyDoc[] = [];
    for (const alg of SIGNING_ALGS) {
      docs.push({ ...(await this.generate(tenantId, alg, 'current')), activatedAt: now });
      docs.push(await this.generate(tenantId, alg, 'next'));
    }
    await this.keys.insertMany(docs);
    return docs.map((d) => d._id);
  }

  /**
   * @param retainSeconds how long retired keys stay published: at least the longest token lifetime.
   * @returns the ids of the tenant's keys after the rotation, for the tenant document.
   */
  async rotate(tenantId: string, retainSeconds: number): Promise<string[]> {
    const now = new Date();
    for (const alg of SIGNING_ALGS) {
      // A `next` key always exists; it is created here only if an earlier rotation was interrupted.
      const next = (await this.keys.findOne({ tenantId, alg, status: 'next' }).lean()) ?? (await this.insert(tenantId, alg, 'next'));
      await this.keys.updateMany(
        { tenantId, alg, status: 'current' },
        { $set: { status: 'retired', retiredAt: now, expiresAt: new Date(now.getTime() + retainSeconds * 1000) } },
      );
      await this.keys.updateOne({ tenantId, _id: next._id }, { $set: { status: 'current', activatedAt: now } });
      await this.insert(tenantId, alg, 'next');
    }
    await this.keys.deleteMany({ tenantId, status: 'retired', expiresAt: { $lte: now } });
    return (await this.keys.find({ tenantId }, { _id: 1 }).lean()).map((d) => d._id);
  }

  /**
   * Private JWKs for the provider. oidc-provider signs with the first key that fits an algorithm, so the
   * current keys come first; next and retired keys follow, published for verification only.
   *
   * `keyIds` are the ids the tenant document lists: each is read by its `_id` alone, the one lookup every
   * server answers from an index (FerretDB v1 scans the whole collection, every tenant's sealed keys, for any
   * other filter). Without them (a tenant made before they were listed), or when one is missing, the tenant's
   * keys are found by `tenantId`.
   */
  async providerJwks(tenantId: string, keyIds?: readonly string[]): Promise<JWK[]> {
    const now = Date.now();
    const docs = (keyIds && (await this.byIds(tenantId, keyIds))) ?? (await this.keys.find({ tenantId }).lean());
    const rank = { current: 0, next: 1, retired: 2 } as const;
    return docs
      .filter((d) => d.status !== 'retired' || (d.expiresAt && d.expiresAt.getTime() > now))
      .sort((a, b) => rank[a.status] - rank[b.status] || b.createdAt.getTime() - a.createdAt.getTime())
      .map((d) => JSON.parse(this.masterKey.unwrap(d.sealedPrivateJwk, aad(tenantId, d.kid)).toString('utf8')) as JWK);
  }

  private async byIds(tenantId: string, keyIds: readonly string[]): Promise<SigningKeyDoc[] | undefined> {
    if (!keyIds.length || !keyIds.every((id) => id.startsWith(tenantScopedId(tenantId, '')))) return undefined;
    const docs = await Promise.all(keyIds.map((_id) => this.keys.findOne({ _id }).lean()));
    return docs.every((d) => d?.tenantId === tenantId) ? (docs as SigningKeyDoc[]) : undefined;
  }

  async list(tenantId: string): Promise<Pick<SigningKeyDoc, 'kid' | 'alg' | 'status' | 'createdAt' | 'activatedAt' | 'retiredAt' | 'expiresAt'>[]> {
    return this.keys.find({ tenantId }, { kid: 1, alg: 1, status: 1, createdAt: 1, activatedAt: 1, retiredAt: 1, expiresAt: 1, _id: 0 }).lean();
  }

  private async insert(tenantId: string, alg: SigningAlg, status: SigningKeyDoc['status']): Promise<SigningKeyDoc> {
    const doc = await this.generate(tenantId, alg, status);
    await this.keys.insertMany([doc]);
    return doc;
  }

  private async generate(tenantId: string, alg: SigningAlg, status: SigningKeyDoc['status']): Promise<SigningKeyDoc> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
    return {
      // Scoped by its tenant, so the key is read by `_id` alone (see providerJwks).
      _id: tenantScopedId(tenantId, 'key', kid),
      tenantId,
      kid,
      alg,
      status,
      publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
      sealedPrivateJwk: this.masterKey.wrap(Buffer.from(JSON.stringify(privateJwk)), aad(tenantId, kid)),
      createdAt: new Date(),
    };
  }
}

function aad(tenantId: string, kid: string): string {
  return `signing-key:${tenantId}:${kid}`;
}
