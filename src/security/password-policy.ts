import { ValidationError } from '../errors/http-errors.js';
import type { Locale } from '../i18n/locales.js';
import { translate } from '../i18n/messages.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import { isCommonPassword, strengthScore } from './password-strength.js';

/**
 * The password policy, applied on every path that sets a password (invitation, reset, temporary password,
 * self-service change): `checkPassword` is its one entry point, and `UserService.setPassword` refuses what it
 * refuses. Answers the reasons a password is refused, as message keys' suffixes (`password.problem.<reason>`),
 * so each page can explain them in the person's language.
 */
export type PasswordProblem = 'too_short' | 'too_long' | 'contains_personal_data' | 'breached' | 'too_weak' | 'reused';

export interface PasswordContext {
  /** Per tenant; never below 8. */
  minLength: number;
  email?: string;
  name?: string;
  /** More words a guesser would try first, e.g. the tenant's name; they weigh on the estimate only. */
  words?: string[];
}

export const DEFAULT_MIN_LENGTH = 12;
export const ABSOLUTE_MIN_LENGTH = 8;
/** argon2 takes any length; this keeps a request from making it hash megabytes. */
export const MAX_LENGTH = 256;
/** zxcvbn's "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_SCORE = 3;

/**
 * The cheap checks first (length, the person's data, the breached list); the strength estimate, which costs
 * CPU on a worker thread, only for a password none of them refuses: it would be refused anyway, and a listed
 * password is weak by definition (saying so twice would not help anyone choose a better one).
 */
export async function checkPassword(password: string, context: PasswordContext): Promise<PasswordProblem[]> {
  const length = [...password].length;
  if (length > MAX_LENGTH) return ['too_long'];
  const problems: PasswordProblem[] = [];
  if (length < effectiveMinLength(context.minLength)) problems.push('too_short');
  if (containsPersonalData(password, context)) problems.push('contains_personal_data');
  if (isCommonPassword(password)) problems.push('breached');
  if (problems.length) return problems;
  return (await strengthScore(password, personalWords(context))) < MIN_SCORE ? ['too_weak'] : [];
}

/** The tenant's minimum, or the default; a setting below the absolute minimum does not weaken the policy. */
export function effectiveMinLength(setting: number | undefined): number {
  return Math.max(setting ?? DEFAULT_MIN_LENGTH, ABSOLUTE_MIN_LENGTH);
}

/** The policy's context for a person of a tenant. */
export function passwordContext(
  tenant: Pick<TenantDoc, 'name' | 'settings'>,
  user: { email?: string; name?: string; givenName?: string; familyName?: string },
): PasswordContext {
  const name = user.name ?? ([user.givenName, user.familyName].filter(Boolean).join(' ') || undefined);
  return { minLength: effectiveMinLength(tenant.settings.passwordMinLength), email: user.email, name, words: [tenant.name] };
}

export function passwordMessages(problems: readonly PasswordProblem[], locale: Locale, context: Pick<PasswordContext, 'minLength'>): string[] {
  const params = { min: effectiveMinLength(context.minLength), max: MAX_LENGTH };
  return problems.map((problem) => translate(locale, `password.problem.${problem}`, params));
}

/** A refused password: a 400 naming the field, with one issue (code and localized message) per reason. */
export class PasswordRefusedError extends ValidationError {
  constructor(
    readonly problems: PasswordProblem[],
    readonly context: Pick<PasswordContext, 'minLength'>,
    options: { locale?: Locale; field?: string } = {},
  ) {
    const messages = passwordMessages(problems, options.locale ?? 'en', context);
    super(problems.map((code, i) => ({ field: options.field ?? 'password', code, message: messages[i]! })));
  }

  /** The same refusal, worded for another reader or naming the field as the caller's input does. */
  localized(locale: Locale, field?: string): PasswordRefusedError {
    return new PasswordRefusedError(this.problems, this.context, { locale, field });
  }
}

function personalWords(context: PasswordContext): string[] {
  const email = context.email?.toLowerCase();
  const words = [context.name, ...(context.words ?? [])].flatMap((text) => text?.toLowerCase().split(/[\s\-_.,]+/) ?? []);
  return [email, email?.split('@')[0], ...words].filter((w): w is string => Boolean(w));
}

function containsPersonalData(password: string, context: PasswordContext): boolean {
  const lower = password.toLowerCase();
  const parts = [
    ...(context.email ? [context.email.toLowerCase(), context.email.toLowerCase().split('@')[0]!] : []),
    ...(context.name ? context.name.toLowerCase().split(/\s+/) : []),
  ];
  // Very short fragments (initials, "jo") would refuse half of all passwords without making any safer.
  return parts.some((part) => part.length >= 3 && lower.includes(part));
}
