import type { Locale } from '../i18n/locales.js';
import { translate } from '../i18n/messages.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';
import type { User, UserService } from '../users/user.service.js';
import type { MfaService } from './mfa.service.js';
import { relyingParty } from './passkey.service.js';

type Details = Awaited<ReturnType<TenantRuntime['provider']['interactionDetails']>>;

/** What a page needs to offer a passkey: where to post, which ceremony, its options as JSON, the button. */
export interface PasskeyForm {
  action: string;
  mode: 'create' | 'get';
  options: string;
  label: string;
  primary?: boolean;
}

/** Passwordless sign-in on the login page: any discoverable passkey of the tenant that verifies its user. */
export class PasskeyLogin {
  constructor(
    private readonly mfa: MfaService,
    private readonly users: UserService,
    private readonly publicUrl: string,
  ) {}

  async form(runtime: TenantRuntime, details: Details, locale: Locale): Promise<PasskeyForm> {
    const { tenant } = runtime;
    const options = await this.mfa.passkeys.authenticationOptions(tenant._id, challengeKey(details), relyingParty(this.publicUrl, tenant.name));
    return {
      action: `/t/${tenant.slug}/interaction/${details.uid}/passkey`,
      mode: 'get',
      options: JSON.stringify(options),
      label: translate(locale, 'login.passkey'),
    };
  }

  /** The user the posted passkey names, with the methods it proved; null if it proved nothing. */
  async verify(runtime: TenantRuntime, details: Details, body: unknown): Promise<{ user: User; amr: string[] } | null> {
    const { tenant } = runtime;
    const credential = (body as { credential?: unknown } | undefined)?.credential;
    if (typeof credential !== 'string') return null;
    const rp = relyingParty(this.publicUrl, tenant.name);
    const result = await this.mfa.passkeys.authenticate(tenant._id, challengeKey(details), credential, rp, { userVerification: true });
    const user = result && (await this.users.findById(tenant, result.userId));
    return user ? { user, amr: result.amr } : null;
  }
}

function challengeKey(details: Details): string {
  return `passkey-login:${details.uid}`;
}
