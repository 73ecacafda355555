import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { ACR, demandsMfa } from './acr.js';

const { base, Check } = interactionPolicy;

/**
 * oidc-provider's default prompts, plus one login check: a one-factor session signs in again when the request's
 * `acr_values` accept only two factors, so such a request is never answered from a password-only session. A
 * two-factor session answers any request. (The provider itself only enforces an acr requested as essential
 * through the claims parameter.)
 */
export function acrInteractionPolicy(): interactionPolicy.DefaultPolicy {
  const policy = base();
  policy.get('login')!.checks.add(
    new Check('acr_values', 'the requested authentication context class was not reached', (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      // Just signed in: the login itself decided (and failed the request if it could not meet the request).
      if (!oidc.session?.accountId || oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      return demandsMfa(oidc.params?.acr_values) && oidc.acr !== ACR.mfa ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}
