import type { CryptoBounds } from './crypto-bounds.js';
import type { Target } from './report.js';
import { formatNumber, type ScenarioResult } from './stats.js';
import type { TenantFigures } from './tenant-memory.js';

type Pair = { ours: ScenarioResult; baseline: ScenarioResult };

export interface TargetInputs {
  cores: number;
  crypto: CryptoBounds;
  scenarios: readonly ScenarioResult[];
  tenants?: TenantFigures;
  clientCredentials?: Pair;
  signIn?: Pair;
  refresh?: ScenarioResult;
}

/** The targets for a 2-core machine, each with the figure it was judged on; those not run are left out. */
export function evaluateTargets(input: TargetInputs): Target[] {
  const { clientCredentials: cc, signIn, refresh, tenants } = input;
  const f = formatNumber;
  const errors = input.scenarios.reduce((sum, s) => sum + s.errors, 0);
  const targets: Target[] = [{ name: 'no errors in any scenario', value: `${errors} errors`, met: errors === 0 }];
  if (cc) {
    const ratio = cc.ours.perSecond / cc.baseline.perSecond;
    targets.push(
      { name: 'client credentials >= 2,000/s', value: `${f(cc.ours.perSecond)}/s`, met: cc.ours.perSecond >= 2000 },
      { name: 'client credentials >= 0.8 x baseline', value: `${f(ratio)} x`, met: ratio >= 0.8 },
    );
  }
  if (signIn) {
    const bound = (input.cores * 1000) / input.crypto.argon2.medianMs;
    const ofBound = signIn.ours.perSecond / bound;
    const ratio = signIn.ours.perSecond / signIn.baseline.perSecond;
    targets.push(
      { name: 'whole sign-ins >= 90% of the argon2 bound', value: `${f(ofBound * 100)}% of ${f(bound)}/s`, met: ofBound >= 0.9 },
      { name: 'whole sign-ins >= 0.8 x baseline', value: `${f(ratio)} x`, met: ratio >= 0.8 },
    );
  }
  if (refresh) targets.push({ name: 'refresh >= 1,000/s', value: `${f(refresh.perSecond)}/s`, met: refresh.perSecond >= 1000 });
  if (tenants) {
    targets.push(
      { name: `${tenants.activeTenants} active tenants < 512 MB`, value: `${f(tenants.rssMb.after)} MB`, met: tenants.activeTenants >= 1000 && tenants.rssMb.after < 512 },
      { name: 'cold tenant provider < 50 ms', value: `${f(tenants.coldBuildMs.median)} ms median`, met: tenants.coldBuildMs.median < 50 },
    );
  }
  return targets;
}
