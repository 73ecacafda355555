import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { ChangeLogService } from '../audit/change-log.service.js';
import { revokeAccount, revokeSession } from '../oidc/account-sessions.js';
import type { OidcEntryModel } from '../oidc/oidc-entry.model.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { SessionDevice } from './session-device.js';

/** A session as its owner or an admin sees it. `handle` names it without being its cookie value. */
export interface SessionSummary {
  handle: string;
  signedInAt: Date | null;
  expiresAt: Date | null;
  clientIds: string[];
  amr: string[];
  /** Null for a session from before devices were recorded, or from a client that sent no User-Agent. */
  device: SessionDevice | null;
}

/** The person on an account page, known by their oidc-provider session cookie. */
export interface SignedInSession {
  accountId: string;
  sessionId: string;
  handle: string;
}

interface SessionPayload {
  accountId?: string;
  loginTs?: number;
  amr?: string[];
  authorizations?: Record<string, { grantId?: string }>;
}

/**
 * The sign-in sessions of a user: listed and ended by the user on their account page, or all ended by an
 * admin. Ending a session ends the refresh and access tokens issued through it. Each end is in the change log.
 */
export class AccountSessions {
  constructor(
    private readonly entries: OidcEntryModel,
    private readonly changeLog: ChangeLogService,
  ) {}

  async list(tenantId: string, accountId: string): Promise<SessionSummary[]> {
    const docs = await this.entries.find({ tenantId, kind: 'Session', accountId }).lean();
    return docs
      .filter((doc) => !doc.expiresAt || doc.expiresAt.getTime() > Date.now())
      .map((doc) => {
        const payload = JSON.parse(doc.payload) as SessionPayload;
        return {
          handle: handleOf(doc.id),
          signedInAt: payload.loginTs ? new Date(payload.loginTs * 1000) : null,
          expiresAt: doc.expiresAt ?? null,
          clientIds: Object.keys(payload.authorizations ?? {}),
          amr: payload.amr ?? [],
          device: doc.device ?? null,
        };
      })
      .sort((a, b) => (b.signedInAt?.getTime() ?? 0) - (a.signedInAt?.getTime() ?? 0));
  }

  /** Ends one of the user's sessions; false when the user has none by that handle. */
  async end(tenantId: string, accountId: string, handle: string): Promise<boolean> {
    const docs = await this.entries.find({ tenantId, kind: 'Session', accountId }, { id: 1 }).lean();
    const doc = docs.find((d) => handleOf(d.id) === handle);
    if (!doc) return false;
    const change = { action: 'user.session_ended', subjectType: 'user', subjectId: accountId, fields: ['sessions'] };
    return this.changeLog.record(tenantId, change, () => revokeSession(this.entries, tenantId, accountId, doc.id));
  }

  /** Ends every session, grant and token of the user; answers how many sessions there were. */
  async endAll(tenantId: string, accountId: string): Promise<number> {
    const sessions = await this.entries.countDocuments({ tenantId, kind: 'Session', accountId });
    const change = { action: 'user.sessions_ended', subjectType: 'user', subjectId: accountId, fields: ['sessions'] };
    await this.changeLog.record(tenantId, change, () => revokeAccount(this.entries, tenantId, accountId));
    return sessions;
  }

  /** The session of this browser at this tenant, if it is signed in. */
  async current(runtime: TenantRuntime, ctx: Context): Promise<SignedInSession | null> {
    const session = await runtime.provider.Session.get(ctx as never);
    if (!session.accountId || !session.jti) return null;
    return { accountId: session.accountId, sessionId: session.jti, handle: handleOf(session.jti) };
  }
}

/** The session id is the value of the session cookie: pages and the admin API show a hash of it instead. */
function handleOf(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url').slice(0, 22);
}
