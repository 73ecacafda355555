/**
 * Authentication context classes this provider tells relying parties (`acr`) and honours in `acr_values`.
 * `pwd`: one factor. `mfa`: two factors — a password and a second factor, or a passkey that verified the
 * user (something held plus a PIN or biometric). `fed`: an upstream OpenID provider signed the person in.
 */
export const ACR = { pwd: 'urn:doorway:acr:pwd', mfa: 'urn:doorway:acr:mfa', fed: 'urn:doorway:acr:fed' } as const;
// All three are published in discovery (`acr_values_supported`): a relying party learns every class it can get.
export const ACR_VALUES: readonly string[] = [ACR.pwd, ACR.mfa, ACR.fed];

/** RFC 8176 methods that prove something held: a one-time code, a hardware- or software-secured key. */
const POSSESSION = ['otp', 'hwk', 'swk'];

export function hasPossessionFactor(amr: readonly string[]): boolean {
  return amr.some((method) => POSSESSION.includes(method));
}

export function acrFor(amr: readonly string[]): string {
  const twoFactors = hasPossessionFactor(amr) && (amr.includes('pwd') || amr.includes('user'));
  // Vouched for by an upstream provider (src/federation): how strongly is its to say, not ours.
  if (!twoFactors && amr.includes('fed')) return ACR.fed;
  return twoFactors ? ACR.mfa : ACR.pwd;
}

/** The known values of a request's `acr_values`, in its order of preference. */
export function requestedAcrs(acrValues: unknown): string[] {
  return typeof acrValues === 'string' ? acrValues.split(' ').filter((value) => ACR_VALUES.includes(value)) : [];
}

/** The request accepts nothing less than two factors: it names the mfa class and not the one-factor class. */
export function demandsMfa(acrValues: unknown): boolean {
  const requested = requestedAcrs(acrValues);
  return requested.includes(ACR.mfa) && !requested.includes(ACR.pwd);
}
