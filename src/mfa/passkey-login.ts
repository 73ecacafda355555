import { createHmac } from 'node:crypto';
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
    /**
     * Derives each interaction's challenge (a secret shared by every process): unpredictable without it, one per
     * interaction, and answered once (PasskeyService.authenticate). Nothing is written when the page is shown.
     */
    private readonly challengeSecret: Buffer,
  ) {}

  async form(runtime: TenantRuntime, details: Details, locale: Locale): Promise<PasskeyForm> {
    const { tenant } = runtime;
    const options = await this.mfa.passkeys.discoverableOptions(relyingParty(this.publicUrl, tenant.name), this.challenge(tenant._id, details));
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
    const result = await this.mfa.passkeys.authenticate(tenant._id, challengeKey(details), credential, rp, {
      userVerification: true,
      derivedChallenge: this.challenge(tenant._id, details),
    });
    const user = result && (await this.users.findById(tenant, result.userId));
    return user ? { user, amr: result.amr } : null;
  }

  private challenge(tenantId: string, details: Details): string {
    return createHmac('sha256', this.challengeSecret).update(`${tenantId}:${details.uid}`).digest('base64url');
  }
}

function challengeKey(details: Details): string {
  return `passkey-login:${details.uid}`;
}
