import type { LoginStep } from '../oidc/login-flow.js';
import { demandsMfa, hasPossessionFactor } from './acr.js';
import type { MfaService } from './mfa.service.js';

/**
 * Enrolment during sign-in, when the tenant requires a second factor of one of the user's roles and they have
 * none yet. Enrolling proves the new factor (a code from the app, a passkey ceremony), so the sign-in then
 * counts as two factors and the `mfa` step is not asked on top of it.
 */
export function mfaEnrolStep(mfa: MfaService): LoginStep {
  return {
    name: 'mfa-enrol',
    async required({ runtime, user, pending }) {
      if (hasPossessionFactor(pending.amr) || !mfa.requiredFor(runtime.tenant, user)) return false;
      return !(await mfa.hasSecondFactor(runtime.tenant._id, user.id));
    },
  };
}

/**
 * The second factor: asked of every user who has one, and of every sign-in whose `acr_values` accept only two
 * factors. A passkey that verified its user already was two factors, so it is not asked after one.
 */
export function mfaStep(mfa: MfaService): LoginStep {
  return {
    name: 'mfa',
    async required({ runtime, user, pending, details }) {
      if (hasPossessionFactor(pending.amr)) return false;
      return demandsMfa(details.params.acr_values) || mfa.hasSecondFactor(runtime.tenant._id, user.id);
    },
  };
}
