import { randomInt } from 'node:crypto';

/** Ten codes, each usable once, for when the authenticator app or passkey is not at hand. */
export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32: no i, l, o or u, so a code read aloud or typed from paper has no look-alikes.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 10;

/** `xxxxx-xxxxx`: 50 random bits each; stored only as keyed hashes, so guessing them is online only. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** What a person typed, as the code it names: case, spaces and dashes ignored, look-alikes mapped. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const code = input
    .toLowerCase()
    .replace(/[\s-]/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

/** Six digits are an authenticator app's code; anything else may be a recovery code. */
export function isTotpCode(input: string): boolean {
  return /^\d{6}$/.test(input.replace(/\s/g, ''));
}
