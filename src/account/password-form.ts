import type { Locale } from '../i18n/locales.js';
import { translate } from '../i18n/messages.js';
import { checkPassword, passwordMessages, type PasswordContext } from '../security/password-policy.js';

/**
 * Why a new password (typed twice) is refused, in the person's language; empty when it is accepted. The pages
 * ask before they use up a link, so a refused password costs the person nothing but another try.
 */
export async function passwordErrors(locale: Locale, password: string, repeated: string, context: PasswordContext): Promise<string[]> {
  if (password !== repeated) return [translate(locale, 'account.password.mismatch')];
  const problems = await checkPassword(password, context);
  return passwordMessages(problems, locale, context);
}
