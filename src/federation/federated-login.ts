import { jwtVerify, type JWTPayload } from 'jose';
import * as client from 'openid-client';
import type { ChangeLogService } from '../audit/change-log.service.js';
import { currentContext, runWithContext } from '../audit/request-context.js';
import { isDuplicateKey } from '../db/duplicate-key.js';
import { newId } from '../db/ids.js';
import { ConflictError } from '../errors/http-errors.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { User, UserService } from '../users/user.service.js';
import type { FederatedIdentityModel } from './federated-identity.model.js';
import type { UpstreamIdpDoc } from './upstream-idp.model.js';
import { emailDomainOf, type UpstreamIdpService } from './upstream-idp.service.js';
import { FederationFailure, type FederationFlow } from './federation-flow.js';
import { mappedRoles, sameRoles } from './role-mapping.js';
import { UpstreamConfigs, type UpstreamConfig } from './upstream-configs.js';

type TenantRef = Pick<TenantDoc, '_id' | 'wrappedDataKey'>;

/**
 * Sign-in through a tenant's upstream OpenID provider: authorization code with PKCE, state and nonce; its ID
 * token verified against its own JWKS, issuer and audience; the person found by the token's `iss` and `sub`.
 */
export class FederatedLogin {
  private readonly configs = new UpstreamConfigs();

  constructor(
    private readonly deps: { upstreamIdps: UpstreamIdpService; identities: FederatedIdentityModel; users: UserService; changeLog: ChangeLogService },
  ) {
    deps.upstreamIdps.onChange((tenantId, id) => this.configs.forget(tenantId, id));
  }

  async start(tenantId: string, idpId: string, uid: string, redirectUri: string): Promise<{ url: string; flow: FederationFlow }> {
    const idp = await this.deps.upstreamIdps.get(tenantId, idpId);
    const { config } = await this.configOf(idp);
    const flow = { uid, idp: idp._id, state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: idp.scopes.join(' '),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, flow };
  }

  /** `callbackUrl`: the redirect URI with the provider's answer in its query. */
  async complete(tenant: TenantRef, flow: FederationFlow, callbackUrl: URL): Promise<User> {
    const idp = await this.deps.upstreamIdps.get(tenant._id, flow.idp);
    const { claims, profile } = await this.verifiedClaims(idp, flow, callbackUrl);
    const issuer = claims.iss!;
    const subject = claims.sub!;
    const link = await this.deps.identities.findOne({ tenantId: tenant._id, issuer, subject }).lean();
    if (link) return this.withMappedRoles(tenant, idp, await this.deps.users.getById(tenant, link.userId), claims, profile);
    const linking = idp.linkExistingUsers === 'verified_email_in_domains';
    if (!idp.jitCreate && !linking) throw new FederationFailure('noAccount', 403);
    const person = await profile();
    if (typeof person.email !== 'string' || person.email_verified !== true) throw new FederationFailure('emailUnverified', 403);
    const existing = linking ? await this.linkableUser(tenant, idp, person.email, issuer) : undefined;
    if (existing) {
      await this.link(tenant, idp, existing.id, { issuer, subject });
      return this.withMappedRoles(tenant, idp, existing, claims, profile);
    }
    if (!idp.jitCreate) throw new FederationFailure('noAccount', 403);
    const created = await this.createLinked(tenant, idp, { issuer, subject, claims: person });
    return this.withMappedRoles(tenant, idp, created, claims, profile);
  }

  /**
   * The existing user a person the provider vouches for may be linked to, by the address it verified: only an
   * address of a domain the tenant declared the provider authoritative for, so a provider cannot claim the
   * users of any other domain. Undefined when there is no such user (or the domain is not the provider's): a
   * new user may then be created, or the person is refused as without linking.
   */
  private async linkableUser(tenant: TenantRef, idp: UpstreamIdpDoc, email: string, issuer: string): Promise<User | undefined> {
    const domain = emailDomainOf(email);
    if (!domain || !idp.emailDomains.includes(domain)) return undefined;
    const [user] = (await this.deps.users.list(tenant, { email, limit: 1 })).items;
    if (!user) return undefined;
    // A user already linked to another subject of this issuer is that subject's: a `sub` that changed upstream
    // (an account deleted and made again) is another person to us, whatever the address.
    if (await this.deps.identities.exists({ tenantId: tenant._id, userId: user.id, issuer })) throw new FederationFailure('emailTaken', 409);
    // Locked, restricted: not signed in, and nothing written about them.
    if (user.status !== 'active') throw new FederationFailure('accountUnavailable', 403);
    return user;
  }

  /** The person is the actor of their link, as of a link made with a new user. */
  private async link(tenant: TenantRef, idp: UpstreamIdpDoc, userId: string, person: { issuer: string; subject: string }): Promise<void> {
    const link = { _id: newId('fid'), tenantId: tenant._id, userId, upstreamId: idp._id, issuer: person.issuer, subject: person.subject };
    const change = { action: 'user.federation_linked', subjectType: 'user', subjectId: userId, fields: ['federatedIdentity'] };
    await runWithContext({ ...currentContext(), actor: { type: 'user', id: userId } }, () =>
      this.deps.changeLog.record(tenant._id, change, () => this.deps.identities.insertMany([link])).catch((err: unknown) => {
        // Another sign-in linked this user (or this person) first: the unique indexes decide, not this check.
        throw isDuplicateKey(err) ? new FederationFailure('emailTaken', 409) : err;
      }),
    );
  }

  /** Roles from the provider's claims, on every sign-in; a change is an update of the user like the admin API's. */
  private async withMappedRoles(tenant: TenantRef, idp: UpstreamIdpDoc, user: User, claims: JWTPayload, profile: () => Promise<Record<string, unknown>>): Promise<User> {
    const rules = idp.roleMappings ?? [];
    if (!rules.length) return user;
    const source = rules.some((rule) => !(rule.claim in claims)) ? { ...(await profile()), ...claims } : claims;
    const roles = mappedRoles(user.roles, rules, source);
    if (sameRoles(roles, user.roles)) return user;
    return runWithContext({ ...currentContext(), actor: { type: 'user', id: user.id } }, () => this.deps.users.update(tenant, user.id, { roles }));
  }

  /**
   * The ID token's claims, verified; `profile` reads the person's email and names, from the ID token when it
   * carries them, else from the userinfo endpoint (providers that keep the ID token small, Doorway among them),
   * whose answer must name the same subject.
   */
  private async verifiedClaims(idp: UpstreamIdpDoc, flow: FederationFlow, callbackUrl: URL): Promise<{ claims: JWTPayload; profile: () => Promise<Record<string, unknown>> }> {
    const { config, jwks } = await this.configOf(idp);
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      const checks = { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state, idTokenExpected: true };
      tokens = await client.authorizationCodeGrant(config, callbackUrl, checks);
    } catch (err) {
      throw new FederationFailure(unreachable(err) ? 'unavailable' : 'refused', unreachable(err) ? 502 : 400);
    }
    const metadata = config.serverMetadata();
    let claims: JWTPayload;
    try {
      // Its signature, by a key the provider publishes: the token endpoint's TLS is not all we rely on.
      ({ payload: claims } = await jwtVerify(tokens.id_token!, jwks, { issuer: metadata.issuer, audience: idp.clientId }));
      if (typeof claims.sub !== 'string' || !claims.sub || claims.nonce !== flow.nonce) throw new Error('incomplete ID token');
    } catch {
      throw new FederationFailure('refused', 400);
    }
    const profile = async (): Promise<Record<string, unknown>> => {
      if (typeof claims.email === 'string') return claims;
      try {
        return await client.fetchUserInfo(config, tokens.access_token, claims.sub!);
      } catch (err) {
        throw new FederationFailure(unreachable(err) ? 'unavailable' : 'refused', unreachable(err) ? 502 : 400);
      }
    };
    return { claims, profile };
  }

  /**
   * A new user for a person the provider vouches for, with the address it verified. An existing user with that
   * address is taken over only as `linkableUser` allows: whoever controls an account at the provider could
   * otherwise claim it.
   */
  private async createLinked(tenant: TenantRef, idp: UpstreamIdpDoc, person: { issuer: string; subject: string; claims: Record<string, unknown> }): Promise<User> {
    const id = newId('usr');
    const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined);
    // The person signing in is the actor of their own creation, as at an accepted invitation.
    return runWithContext({ ...currentContext(), actor: { type: 'user', id } }, async () => {
      const { claims } = person;
      const input = { id, email: claims.email as string, emailVerified: true, name: text(claims.name), givenName: text(claims.given_name), familyName: text(claims.family_name) };
      const user = await this.deps.users.create(tenant, input).catch((err: unknown) => {
        throw err instanceof ConflictError ? new FederationFailure('emailTaken', 409) : err;
      });
      await this.link(tenant, idp, id, person);
      return user;
    });
  }

  private async configOf(idp: UpstreamIdpDoc): Promise<UpstreamConfig> {
    try {
      return await this.configs.of(idp, this.deps.upstreamIdps.secretOf(idp));
    } catch {
      throw new FederationFailure('unavailable', 502);
    }
  }
}

/**
 * The provider could not answer (refused connection, timeout, a 5xx of its own), rather than answering no:
 * the person is told to try later, not that its answer was wrong.
 */
function unreachable(err: unknown): boolean {
  const { name, status, cause } = err as { name?: string; status?: unknown; cause?: unknown };
  if (name === 'TypeError' || name === 'TimeoutError' || name === 'AbortError') return true;
  // A JSON error body (`server_error`, `temporarily_unavailable`) carries the status; any other body, the response.
  const code = typeof status === 'number' ? status : cause instanceof Response ? cause.status : 0;
  return code >= 500;
}
