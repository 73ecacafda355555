import type { Context } from 'koa';
import { runWithContext } from '../audit/request-context.js';
import type { Locale } from '../i18n/locales.js';
import { translate } from '../i18n/messages.js';
import type { TenantDoc } from '../tenants/tenant.model.js';
import type { User } from '../users/user.service.js';
import type { MfaService } from './mfa.service.js';
import type { PasskeyForm } from './passkey-login.js';
import type { RelyingParty } from './passkey.service.js';

/** Changes made on a person's own pages are theirs: the change log names them as the actor. */
export function asUser<T>(ctx: Context, userId: string, fn: () => Promise<T>): Promise<T> {
  return runWithContext({ actor: { type: 'user', id: userId }, requestId: ctx.state.requestId, ip: ctx.ip }, fn);
}

/** A posted form field as text ('' when absent or not text). */
export function field(ctx: Context, name: string): string {
  const value = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export interface EnrolmentActions {
  totp?: string;
  passkey: string;
}

/** The ways to add a second factor on a page: an authenticator app (QR code) and a passkey. */
export async function enrolmentMethods(
  mfa: MfaService,
  input: { tenant: TenantDoc; user: User; rp: RelyingParty; locale: Locale; actions: EnrolmentActions },
): Promise<{ totp?: { action: string; secret: string; uri: string; qrCode: string }; passkey: PasskeyForm }> {
  const { tenant, user, rp, locale, actions } = input;
  const options = await mfa.passkeys.registrationOptions(tenant._id, user, rp);
  const passkey: PasskeyForm = { action: actions.passkey, mode: 'create', options: JSON.stringify(options), label: translate(locale, 'mfaEnrol.passkeyAdd') };
  if (!actions.totp) return { passkey };
  return { totp: { action: actions.totp, ...(await mfa.totp.startEnrolment(tenant, user)) }, passkey };
}

/** "Since 3 March 2025" in the page's language. */
export function formatDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(date);
}
