import { randomBytes } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { Grant, InteractionResults, KoaContextWithOIDC } from 'oidc-provider';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What a new grant holds, carried by the consent result until the authorization resumes and stores it. */
type PendingGrant = Pick<Grant, 'accountId' | 'clientId' | 'openid' | 'resources' | 'rejected' | 'rar'>;

/**
 * Records what the user agreed to on the consent page: the missing scopes, claims and resource scopes. A grant
 * the user already has is changed at once. A new one travels in the consent result, in the interaction, and is
 * stored when the authorization resumes (loadExistingGrant), in the same write as the code and the session it
 * comes with: an authorization never resumed leaves no grant behind.
 */
export async function grantConsent(provider: Provider, details: Details): Promise<NonNullable<InteractionResults['consent']>> {
  const { grant, existing } = await consentedGrant(provider, details);
  if (existing) {
    await grant.save();
    return {};
  }
  const { accountId, clientId, openid, resources, rejected, rar } = grant;
  const pendingGrant: PendingGrant = JSON.parse(JSON.stringify({ accountId, clientId, openid, resources, rejected, rar }));
  return { grantId: randomBytes(32).toString('base64url'), pendingGrant };
}

/**
 * The grant as the user leaves the consent page: the one they have (or a new one) with what the page asked
 * for added, not stored yet.
 */
export async function consentedGrant(provider: Provider, details: Details): Promise<{ grant: Grant; existing: boolean }> {
  const { prompt, params, session } = details;
  const found = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = found ?? new provider.Grant({ accountId: session!.accountId, clientId: params.client_id as string });
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return { grant, existing: found !== undefined };
}

/**
 * oidc-provider's `loadExistingGrant`: the grant the consent result carries is stored now, under the id the
 * result named; otherwise the grant the result or the session names is read, as oidc-provider does. The
 * provider then checks that the grant is the signed-in account's and the client's.
 */
export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const consent = ctx.oidc.result?.consent;
  const pending = consent?.pendingGrant as PendingGrant | undefined;
  if (consent?.grantId && pending) {
    const grant = Object.assign(new ctx.oidc.provider.Grant(), pending, { jti: consent.grantId });
    await grant.save();
    return grant;
  }
  const grantId = consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
  return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
}
