import type { JWK } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { LOCK_CLIENT_PROPERTY } from '../access/access-audience.js';
import type { ClientService } from '../clients/client.service.js';
import { CONSOLE_CLIENT_ID, consoleClientMetadata } from '../clients/console-client.js';
import { requiresPkce } from '../clients/pkce.js';
import type { MasterKey } from '../crypto/master-key.js';
import type { DoorPermissionService } from '../doors/door-permission.service.js';
import type { SigningKeyService } from '../keys/signing-key.service.js';
import { ACR_VALUES } from '../mfa/acr.js';
import { acrInteractionPolicy } from '../mfa/acr-policy.js';
import { TenantKeyring } from '../tenants/tenant-keyring.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { UserService } from '../users/user.service.js';
import type { ViewRenderer } from '../views/view-renderer.js';
import { sessionDeviceOf } from '../account/session-device.js';
import { accountFinder } from './account.js';
import { batchOf, entryBatches } from './entry-batch.js';
import { loadExistingGrant } from './grant-consent.js';
import { MongoAdapter } from './mongo-adapter.js';
import type { OidcEntryModel } from './oidc-entry.model.js';
import { providerPages } from './provider-pages.js';
import { resourceIndicators, userClaimsFor } from './resource-servers.js';
import { providerTtl, refreshTokenReuseIntervalOf } from './token-lifetimes.js';

export interface ProviderDeps {
  publicUrl: string;
  adminAudience: string;
  trustProxy: boolean;
  masterKey: MasterKey;
  oidcEntries: OidcEntryModel;
  users: UserService;
  doorPermissions: DoorPermissionService;
  clients: ClientService;
  signingKeys: SigningKeyService;
  views: ViewRenderer;
}

/** The scopes every tenant's provider offers; client registration refuses any other. */
export const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email', 'roles', 'doors'] as const;

/**
 * How clients authenticate at the token, introspection and revocation endpoints: with their secret, or not at
 * all (public clients). Client registration offers these only, so discovery advertises no other.
 */
export const OIDC_CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

export const SCOPE_CLAIMS = {
  acr: null,
  auth_time: null,
  sid: null,
  iss: null,
  // amr and acr under openid: relying parties always learn how the user authenticated (password, MFA, passkey).
  // roles and door_permissions too, so that they reach the ID token (see conformIdTokenClaims); the account
  // gives them only when the token's scopes hold `roles` and `doors` (src/oidc/account.ts).
  openid: ['sub', 'amr', 'acr', 'roles', 'door_permissions'],
  profile: ['name', 'given_name', 'family_name', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  roles: ['roles'],
  doors: ['door_permissions'],
};

/**
 * Cookie signing keys, derived from the master key so every process of a deployment reads every other's
 * cookies. One set for all tenants: the provider runs inside the root app's context, whose `keys` sign them,
 * and a cookie replayed at another tenant names a session that tenant's storage does not hold. Each tenant's
 * cookies live under its own path (see `tenantCookies`), so a browser never sends one tenant's to another.
 */
export function cookieKeys(masterKey: MasterKey): string[] {
  return [masterKey.derive('cookies').toString('base64url')];
}

export function issuerFor(publicUrl: string, slug: string): string {
  return `${publicUrl}/t/${slug}`;
}

/**
 * Every provider names its session cookie `_session`. With the default path `/`, the browser sent tenant A's
 * to tenant B, which found no such session there and replaced the cookie with its own: signing in at one
 * tenant signed the person out of the other. Scoped to the issuer's path (`/t/<slug>`, which a browser does
 * not send to `/t/<slug>-other`, RFC 6265 §5.1.4), each tenant has its own. The interaction and resume
 * cookies need nothing: oidc-provider puts them on the interaction's own path (`/t/<slug>/interaction/<uid>`,
 * `/t/<slug>/auth/<uid>`), and a `path` here would replace that of the interaction cookie.
 */
export function tenantCookies(issuer: string, masterKey: MasterKey): NonNullable<Configuration['cookies']> {
  return { keys: cookieKeys(masterKey), long: { path: new URL(issuer).pathname } };
}

/** One oidc-provider per tenant, configured in this one place. */
export function createProvider(tenant: TenantDoc, jwks: JWK[], deps: ProviderDeps): Provider {
  const findAccount = accountFinder(tenant, deps.users, deps.doorPermissions);
  const payloadCipher = new TenantKeyring(deps.masterKey).cipherFor(tenant);
  const issuer = issuerFor(deps.publicUrl, tenant.slug);
  const reuseIntervalMs = refreshTokenReuseIntervalOf(tenant.settings) * 1000;
  const configuration: Configuration = {
    adapter: (kind: string) =>
      kind === 'Client'
        ? clientAdapter(tenant, deps)
        : new MongoAdapter(
            deps.oidcEntries,
            tenant._id,
            kind,
            payloadCipher,
            () => sessionDeviceOf(Provider.ctx?.get('user-agent')),
            reuseIntervalMs,
            () => batchOf(Provider.ctx),
          ),
    jwks: { keys: jwks as never },
    cookies: tenantCookies(issuer, deps.masterKey),
    findAccount,
    loadExistingGrant,
    claims: SCOPE_CLAIMS,
    acrValues: [...ACR_VALUES],
    scopes: [...OIDC_SCOPES],
    responseTypes: ['code'],
    // Locks authenticate with a key pair of their own (private_key_jwt, src/access); apps with a secret or none.
    clientAuthMethods: [...OIDC_CLIENT_AUTH_METHODS, 'private_key_jwt'],
    // Data minimisation: profile and email claims go to userinfo, and into the ID token only when the app asks
    // for them there with the `claims` parameter (or gets no access token for userinfo). Only the `openid`
    // scope's claims stay in the ID token, which is why roles and door permissions (read offline by lock apps)
    // are listed under it above.
    conformIdTokenClaims: true,
    rotateRefreshToken: true,
    pkce: { required: (_ctx, client) => requiresPkce(client.metadata()) },
    ttl: providerTtl(tenant.settings),
    features: {
      devInteractions: { enabled: false },
      introspection: {
        enabled: true,
        // A client learns about its own tokens only (RFC 7662 §4: the server decides who may ask about which
        // token). Tokens for a resource server are JWTs, verified offline and refused here unread, so no
        // resource needs to introspect another client's token. Anyone else is told `active: false`, as for an
        // unknown token (§2.2), and learns nothing of its subject, scope or client. A suspended tenant's tokens
        // stop verifying.
        allowedPolicy: (_ctx, caller, token) => tenant.state === 'active' && token.clientId === caller.clientId,
      },
      // RFC 7009: a client revokes only tokens issued to it.
      revocation: {
        enabled: true,
        allowedPolicy(_ctx, caller, token) {
          if (token.clientId === caller.clientId) return true;
          if (caller.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      clientCredentials: { enabled: true },
      // Request objects (JAR): the parameters signed by the client, HS256 with its secret or with a key of its
      // registered jwks. oidc-provider 9 verifies every request object: an unsigned one (alg none) is refused.
      requestObjects: { enabled: true, requireSignedRequestObject: false },
      // Clients registered with a backchannel_logout_uri are told, server to server, when a person's session
      // ends at RP-initiated logout, so they can end theirs too (src/clients/client-registration.ts).
      backchannelLogout: { enabled: true },
      // The `claims` parameter: an app asks for single claims, and for where they go (ID token or userinfo).
      claimsParameter: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, ...pick(providerPages(tenant, deps.views), 'logoutSource', 'postLogoutSuccessSource') },
      resourceIndicators: resourceIndicators(tenant, deps.adminAudience),
    },
    renderError: providerPages(tenant, deps.views).renderError,
    interactions: { url: (_ctx, interaction) => `/t/${tenant.slug}/interaction/${interaction.uid}`, policy: acrInteractionPolicy() },
    async extraTokenClaims(ctx: KoaContextWithOIDC, token) {
      if (token.kind === 'ClientCredentials') return { tenant: tenant.slug };
      if (token.kind !== 'AccessToken' || !('accountId' in token) || !token.accountId) return undefined;
      // Each resource receives the user claims it was registered for; a token without a resource (userinfo) none.
      const wanted = userClaimsFor(tenant, deps.adminAudience, token.resourceServer?.audience);
      if (wanted.length === 0) return { tenant: tenant.slug };
      const account = await findAccount(ctx, token.accountId as string);
      const claims = account ? await account.claims('token', 'roles doors', {}, []) : undefined;
      return { tenant: tenant.slug, ...Object.fromEntries(wanted.map((name) => [name, claims?.[name] ?? []])) };
    },
    // Roles a service account (client credentials) holds at the admin API.
    extraClientMetadata: {
      properties: ['service_roles', 'require_pkce', LOCK_CLIENT_PROPERTY],
      validator(_ctx, key, value) {
        if (key === 'require_pkce' && value !== undefined && typeof value !== 'boolean') throw new errors.InvalidClientMetadata('require_pkce must be a boolean');
        if (key === LOCK_CLIENT_PROPERTY && value !== undefined && typeof value !== 'string') throw new errors.InvalidClientMetadata(`${LOCK_CLIENT_PROPERTY} must be a string`);
        if (key === 'service_roles' && value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
          throw new errors.InvalidClientMetadata('service_roles must be an array of strings');
        }
      },
    },
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false,
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = deps.trustProxy;
  provider.use(entryBatches(deps.oidcEntries));
  return provider;
}

/** Registered clients from the database, and the tenant's built-in console client, derived rather than stored. */
function clientAdapter(tenant: TenantDoc, deps: Pick<ProviderDeps, 'clients' | 'publicUrl'>) {
  const readOnly = async () => {
    throw new Error('Clients are managed through the admin API');
  };
  return {
    find: async (clientId: string) =>
      clientId === CONSOLE_CLIENT_ID ? consoleClientMetadata(deps.publicUrl, tenant.slug) : deps.clients.providerMetadata(tenant._id, clientId),
    upsert: readOnly,
    destroy: readOnly,
    consume: readOnly,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    revokeByGrantId: async () => undefined,
  };
}

function pick<T extends object, K extends keyof T>(obj: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, obj[k]])) as Pick<T, K>;
}
