import { randomBytes } from 'node:crypto';
import { normalizeEmail } from '../src/crypto/field-cipher.js';
import type { Database } from '../src/db/database.js';
import { newId } from '../src/db/ids.js';
import { oidcEntryId } from '../src/oidc/oidc-entry.model.js';
import { sealPayload } from '../src/oidc/oidc-payload.js';
import type { Services } from '../src/services.js';
import type { TenantDoc } from '../src/tenants/tenant.model.js';
import { PASSWORD } from './seed.js';

/** Each past sign-in leaves these four entries, as oidc-provider writes them for an app with offline access. */
const ENTRIES_PER_SIGN_IN = 4;
const BATCH = 1000;
/** Lifetimes long enough that no seeded entry expires during a run. */
const DAY = 86_400;

/**
 * Grows the bench tenant to `users` people and `entries` oidc entries, for measuring the flows against a
 * tenant full of data. Documents are made as UserService.create and MongoAdapter.upsert make them (personal
 * fields sealed with the tenant's key, the blind index, payloads sealed where the adapter seals them), but
 * written in batches and without change-log or role-history records, which the flows measured never read; each
 * user holds one door grant, written the same way.
 * Every user shares one argon2 hash of the bench password: 100,000 hashes would take an hour and change nothing.
 */
export class ScaleSeeder {
  private users = 0;
  private entries = 0;
  private hash?: string;

  constructor(
    private readonly db: Database,
    private readonly services: Services,
    private readonly tenant: TenantDoc,
    private readonly clientId: string,
  ) {}

  async growTo(users: number, entries: number): Promise<void> {
    this.hash ??= await this.services.hasher.hash(PASSWORD);
    const cipher = this.services.keyring.cipherFor(this.tenant);
    const { users: userModel, oidcEntries } = this.db.models;
    // Counted each time: the tenant holds the bench's own users, and the entries its flows have left since.
    this.users = await userModel.countDocuments({ tenantId: this.tenant._id });
    this.entries = await oidcEntries.countDocuments({ tenantId: this.tenant._id });
    // Every person holds a grant of a door, as in a building: a token's door claims then find theirs among the
    // tenant's 100,000 grants, not among a handful.
    const door = await this.db.models.doors.findOne({ tenantId: this.tenant._id }, { _id: 1 }).lean();
    while (this.users < users) {
      const docs = [];
      for (const end = Math.min(users, this.users + BATCH); this.users < end; this.users++) {
        const email = normalizeEmail(`scale-${this.users}@bench.test`);
        docs.push({
          _id: newId('usr'),
          tenantId: this.tenant._id,
          email: cipher.encrypt(email, 'email'),
          emailHash: cipher.blindIndex(email, 'email'),
          emailVerified: true,
          name: cipher.encrypt(`Scale Person ${this.users}`, 'name'),
          passwordHash: this.hash,
          roles: ['employee'],
          status: 'active',
        });
      }
      await userModel.insertMany(docs, { ordered: false });
      if (door) {
        const grants = docs.map((user) => ({ _id: newId('dpm'), tenantId: this.tenant._id, doorId: door._id, holderType: 'user' as const, holderId: user._id, grantedBy: 'bench', grantedAt: new Date() }));
        await this.db.models.doorPermissions.insertMany(grants, { ordered: false });
      }
    }
    const accounts = await userModel.find({ tenantId: this.tenant._id }, { _id: 1 }).limit(Math.ceil(entries / ENTRIES_PER_SIGN_IN)).lean();
    // Past sign-ins go to the tenant's users in turn, so most people have some entries and none has thousands.
    for (let signIn = 0; this.entries < entries; ) {
      const docs = [];
      for (let n = 0; n < BATCH / ENTRIES_PER_SIGN_IN && this.entries < entries; n++, signIn++, this.entries += ENTRIES_PER_SIGN_IN) {
        docs.push(...this.signInEntries(accounts[signIn % accounts.length]!._id));
      }
      // As the adapter inserts them: lean, so the documents are exactly these.
      await oidcEntries.insertMany(docs, { lean: true, ordered: false });
    }
  }

  /** What one sign-in with offline access leaves behind: a session, a grant, an opaque access token, a refresh token. */
  private signInEntries(accountId: string) {
    const cipher = this.services.keyring.cipherFor(this.tenant);
    const now = Math.floor(Date.now() / 1000);
    const id = () => randomBytes(32).toString('base64url');
    const [sessionId, grantId, sessionUid, sid] = [id(), id().slice(0, 21), id().slice(0, 21), id().slice(0, 21)];
    const scope = 'openid offline_access profile email roles doors';
    const common = { iat: now, accountId, clientId: this.clientId, grantId, sessionUid, sid, expiresWithSession: false };
    const payloads: [string, string, number, Record<string, unknown>][] = [
      ['Session', sessionId, 14 * DAY, { iat: now, jti: sessionId, uid: sessionUid, kind: 'Session', loginTs: now, accountId, authorizations: { [this.clientId]: { sid, grantId, persistsLogout: true } } }],
      ['Grant', grantId, 30 * DAY, { iat: now, jti: grantId, kind: 'Grant', accountId, clientId: this.clientId, openid: { scope } }],
      ['AccessToken', id(), DAY, { ...common, kind: 'AccessToken', gty: 'authorization_code', scope: 'openid profile email roles doors' }],
      ['RefreshToken', id(), 14 * DAY, { ...common, kind: 'RefreshToken', gty: 'authorization_code', scope, iiat: now, rotations: 0, amr: ['pwd'], authTime: now }],
    ];
    return payloads.map(([kind, entryId, expiresIn, payload]) => ({
      _id: oidcEntryId(this.tenant._id, kind, entryId),
      tenantId: this.tenant._id,
      kind,
      id: entryId,
      payload: sealPayload(cipher, kind, entryId, { ...payload, exp: now + expiresIn } as never),
      accountId,
      clientId: this.clientId,
      ...(kind === 'Session' ? { uid: sessionUid } : { grantId }),
      expiresAt: new Date((now + expiresIn) * 1000),
    }));
  }
}
