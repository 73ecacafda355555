import commonPasswords from '../../src/security/common-passwords.json' with { type: 'json' };
import type { PasswordProblem } from '../../src/security/password-policy.js';

/** A password on the bundled breached list, long enough to fail for that reason alone. */
export function breachedPassword(minLength = 12): string {
  return commonPasswords.passwords.find((p) => p.length >= minLength)!;
}

/** What every page that sets a password must refuse for Sigrid Lund (sigrid.lund@…), with the problem it names. */
export const REFUSED_FOR_SIGRID: [password: string, problem: PasswordProblem][] = [
  [breachedPassword(), 'breached'],
  ['Sigrid.Lund-Harbour-Quill-58', 'contains_personal_data'],
];
