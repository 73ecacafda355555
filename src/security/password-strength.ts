import type { Score } from '@zxcvbn-ts/core';
// A module, not a file read at run time: the build carries it into dist/ like any other source.
import commonPasswordList from './common-passwords.json' with { type: 'json' };
import { StrengthWorkers } from './strength-workers.js';

/**
 * The two password checks that need data: zxcvbn's strength estimate and the bundled list of the most common
 * breached passwords. The list is a set looked up on the request thread; the estimate runs on worker threads
 * (strength-workers.ts), since it takes up to half a second of CPU.
 *
 * Dictionaries: common passwords and keyboard layouts, English and German words and names. There is no Danish
 * or Swedish package of zxcvbn-ts on npm; names and words of those languages are still caught through the
 * person's own data (email, name) given as user inputs, and by the length minimum.
 */
let commonPasswords: Set<string> | undefined;

/** Two threads: estimates are rare (a password being set) and the machines small; a third would queue anyway. */
const WORKERS = 2;
const workers = new StrengthWorkers({ maxLength: 64, l33tMaxSubstitutions: 10 }, WORKERS);

/** zxcvbn's score, 0 (guessable) to 4 (very unguessable), knowing the person's own words. */
export async function strengthScore(password: string, personalWords: readonly string[]): Promise<Score> {
  return (await workers.score(password, personalWords)) as Score;
}

/** The list shipped in common-passwords.json (its `source` says where it comes from). */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(commonPasswordList.passwords);
  return commonPasswords.has(password.toLowerCase());
}
