import { newId } from '../db/ids.js';
import type { AccountTokenDoc, AccountTokenKind, AccountTokenModel } from './account-token.model.js';
import { hashLinkToken, LINK_TOKEN, newLinkToken } from './link-token.js';
import type { SingleUse } from './single-use.js';

/** Why an emailed link does not work, each shown as its own localized page. */
export type LinkProblem = 'invalid' | 'expired' | 'used' | 'revoked';

/** A failed lookup of a real link still names its user, whose language the page can speak. */
export type TokenLookup = { ok: true; token: AccountTokenDoc } | { ok: false; problem: LinkProblem; userId?: string };

/** Single-use links of existing users: a password reset, an email verification. */
export class AccountTokens {
  constructor(
    private readonly tokens: AccountTokenModel,
    private readonly once: SingleUse,
  ) {}

  /** A new link; any earlier pending link of the same kind for the user stops working. */
  async issue(tenantId: string, input: { kind: AccountTokenKind; userId: string; emailHash?: string; ttlMs: number }): Promise<{ token: string; expiresAt: Date }> {
    const { kind, userId } = input;
    await this.tokens.updateMany({ tenantId, kind, userId, state: 'pending' }, { $set: { state: 'superseded' } });
    const { token, tokenHash } = newLinkToken();
    const expiresAt = new Date(Date.now() + input.ttlMs);
    await this.tokens.insertMany([{ _id: newId('atk'), tenantId, kind, userId, tokenHash, emailHash: input.emailHash, state: 'pending', expiresAt }]);
    return { token, expiresAt };
  }

  async lastIssuedAt(tenantId: string, kind: AccountTokenKind, userId: string): Promise<Date | undefined> {
    const last = await this.tokens.findOne({ tenantId, kind, userId }, { createdAt: 1 }).sort({ createdAt: -1 }).lean();
    return last?.createdAt;
  }

  async find(tenantId: string, kind: AccountTokenKind, token: string): Promise<TokenLookup> {
    if (!LINK_TOKEN.test(token)) return { ok: false, problem: 'invalid' };
    const doc = await this.tokens.findOne({ tenantId, kind, tokenHash: hashLinkToken(token) }).lean();
    if (!doc) return { ok: false, problem: 'invalid' };
    const { userId } = doc;
    if (doc.state === 'used') return { ok: false, problem: 'used', userId };
    // A superseded link was replaced by a newer mail: to its reader, it simply no longer works.
    if (doc.state === 'superseded' || doc.expiresAt <= new Date()) return { ok: false, problem: 'expired', userId };
    return { ok: true, token: doc };
  }

  /** Uses the link up: of two clicks at once, exactly one gets it (SingleUse), the other is told it was used. */
  async consume(tenantId: string, kind: AccountTokenKind, token: string): Promise<TokenLookup> {
    const lookup = await this.find(tenantId, kind, token);
    if (!lookup.ok) return lookup;
    const { _id, userId } = lookup.token;
    if (!(await this.once.take(`account_token:${_id}`))) return { ok: false, problem: 'used', userId };
    const usedAt = new Date();
    await this.tokens.updateOne({ tenantId, _id }, { $set: { state: 'used', usedAt } });
    return { ok: true, token: { ...lookup.token, state: 'used', usedAt } };
  }
}
