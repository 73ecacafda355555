import type { TenantFixture } from './fixtures.js';
import { openLogin, submitLogin, type Answer } from './sign-in-pages.js';

/**
 * Sign-in attempts of one email that arrive at once: each from a login page of its own (its own browser and
 * form token), all opened first, then posted together, spread over `baseUrls` in turn (several app processes).
 * `from` gives attempt i an address of its own (X-Forwarded-For), out of reach of the per-address limit.
 */
export async function checkedAtOnce(
  baseUrls: string[],
  fixture: TenantFixture,
  email: string,
  passwords: string[],
  from?: (i: number) => string,
): Promise<Answer[]> {
  const pages = [];
  for (let i = 0; i < passwords.length; i++) pages.push(await openLogin(baseUrls[i % baseUrls.length]!, fixture));
  return Promise.all(pages.map((page, i) => submitLogin(page, email, passwords[i]!, from ? { 'x-forwarded-for': from(i) } : undefined)));
}
