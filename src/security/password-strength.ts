import { ZxcvbnFactory, type Score } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as germanDictionary } from '@zxcvbn-ts/language-de';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';
// A module, not a file read at run time: the build carries it into dist/ like any other source.
import commonPasswordList from './common-passwords.json' with { type: 'json' };

/**
 * The two password checks that need data: zxcvbn's strength estimate and the bundled list of the most common
 * breached passwords. Both are built on first use (half a second of dictionary ranking), once per process.
 *
 * Dictionaries: common passwords and keyboard layouts, English and German words and names. There is no Danish
 * or Swedish package of zxcvbn-ts on npm; names and words of those languages are still caught through the
 * person's own data (email, name) given as user inputs, and by the length minimum.
 */
let estimator: ZxcvbnFactory | undefined;
let commonPasswords: Set<string> | undefined;

/** Only the first characters are estimated: past this a password is long enough, and the cost stays flat. */
const ESTIMATED_LENGTH = 64;

function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary, ...germanDictionary },
    graphs: adjacencyGraphs,
    translations,
    maxLength: ESTIMATED_LENGTH,
    // The library's default (100) makes a check of a long random password take a second of CPU.
    l33tMaxSubstitutions: 10,
  });
  return estimator;
}

/** zxcvbn's score, 0 (guessable) to 4 (very unguessable), knowing the person's own words. */
export function strengthScore(password: string, personalWords: readonly string[]): Score {
  return zxcvbn().check(password, [...personalWords]).score;
}

/** The list shipped in common-passwords.json (its `source` says where it comes from). */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(commonPasswordList.passwords);
  return commonPasswords.has(password.toLowerCase());
}
