import * as client from 'openid-client';
import { ACR } from '../../src/mfa/acr.js';
import { translate } from '../../src/i18n/messages.js';
import type { User } from '../../src/users/user.service.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { authorize, discoverClient, signIn, type StepAnswer } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { pageForm, totpCode, totpSecretFrom, unescapeHtml } from './mfa-pages.js';

describe('second factor: authenticator app (TOTP) and recovery codes', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let config: client.Configuration;
  let userCount = 0;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'totp');
    // Before the tenant's first request, so every process builds it with this policy.
    await idp.services.tenants.update(fixture.tenant._id, { settings: { mfa: { requiredForRoles: ['security'] } } });
    config = await discoverClient(idp.baseUrl, fixture);
  });
  afterAll(() => idp.close());

  async function newUser(roles: string[] = ['employee']): Promise<User> {
    userCount += 1;
    return asSetup(() => idp.services.users.create(fixture.tenant, { email: `user${userCount}@totp.test`, password: PASSWORD, roles }));
  }

  /** Enrols an authenticator app as the user would, with the code of the step before this one; answers its secret. */
  async function withTotp(user: User): Promise<string> {
    const { secret } = await idp.services.mfa.totp.startEnrolment(fixture.tenant, user);
    const ok = await asSetup(async () => idp.services.mfa.totp.confirmEnrolment(fixture.tenant, user.id, await totpCode(secret, -1)));
    if (!ok) throw new Error('enrolment refused');
    return secret;
  }

  /** A six-digit code that is none of the codes accepted around now. */
  async function codeNotAccepted(secret: string): Promise<string> {
    const valid = await Promise.all([-1, 0, 1, 2].map((step) => totpCode(secret, step)));
    return ['123456', '654321', '111111', '222222', '333333'].find((code) => !valid.includes(code))!;
  }

  /** Answers the second-factor page with `code`, recording each page it saw. */
  function answerCode(code: () => Promise<string> | string, seen: string[] = []): StepAnswer {
    return async ({ url, html }) => {
      seen.push(html);
      return url.endsWith('/mfa') ? pageForm(html, '/mfa', { code: await code() }) : undefined;
    };
  }

  it('enrols an authenticator app during sign-in when the tenant requires it for a role, then signs in with two factors', async () => {
    const user = await newUser(['employee', 'security']);
    let secret = '';
    let recoveryCodes: string[] = [];
    const step: StepAnswer = async ({ url, html }) => {
      if (url.endsWith('/mfa-enrol')) {
        secret = totpSecretFrom(html);
        expect(html).toContain('src="data:image/svg+xml;base64,');
        return pageForm(html, '/mfa-enrol/totp', { code: await totpCode(secret) });
      }
      if (html.includes('id="recovery-codes"')) {
        recoveryCodes = [...html.matchAll(/<li>([0-9a-z]{5}-[0-9a-z]{5})<\/li>/g)].map((m) => m[1]!);
        return { action: unescapeHtml(/href="([^"]+)" id="continue"/.exec(html)![1]!), method: 'GET' };
      }
      return undefined;
    };
    const { tokens } = await signIn(config, { email: user.email!, step });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const claims = tokens.claims()!;
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.acr).toBe(ACR.mfa);

    // Enrolled now: the next sign-in asks for a code, not for enrolment.
    const seen: string[] = [];
    const again = await signIn(config, { email: user.email!, step: answerCode(() => totpCode(secret, 1), seen) });
    expect(again.tokens.claims()!.acr).toBe(ACR.mfa);
    expect(seen.some((html) => html.includes('name="code"') && !html.includes('otpauth://'))).toBe(true);

    const log = await idp.services.changeLog.entriesAbout(fixture.tenant._id, user.id);
    const enrolment = log.find((e) => e.action === 'mfa.totp_enrolled')!;
    expect(enrolment).toMatchObject({ actor: `user:${user.id}`, fields: ['totpSecret'] });
    expect(log.map((e) => e.action)).toContain('mfa.recovery_codes_issued');
    expect(JSON.stringify(log)).not.toContain(secret);
  });

  it('asks every user who has a second factor for it, and refuses a code used before (replay)', async () => {
    const user = await newUser();
    const secret = await withTotp(user);
    const code = await totpCode(secret);
    const { tokens } = await signIn(config, { email: user.email!, step: answerCode(() => code) });
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfa });

    const replayed: { status: number; html: string }[] = [];
    const replay: StepAnswer = ({ url, html, status }) => {
      if (!url.includes('/mfa')) return undefined;
      replayed.push({ status, html });
      if (replayed.length > 1) throw new Error('stop');
      return pageForm(html, '/mfa', { code });
    };
    await expect(authorize(config, { email: user.email!, step: replay })).rejects.toThrow('stop');
    expect(replayed[1]!.status).toBe(400);
    expect(replayed[1]!.html).toContain(translate('en', 'mfa.error.invalidCode'));
  });

  it('refuses a wrong code with a message in the language of the page', async () => {
    const user = await newUser();
    const wrongCode = await codeNotAccepted(await withTotp(user));
    const pages: { status: number; html: string }[] = [];
    const wrong: StepAnswer = ({ url, html, status }) => {
      if (!url.includes('/mfa')) return undefined;
      pages.push({ status, html });
      if (pages.length > 1) throw new Error('stop');
      return pageForm(html, '/mfa', { code: wrongCode });
    };
    await expect(authorize(config, { email: user.email!, step: wrong, extra: { ui_locales: 'de' } })).rejects.toThrow('stop');
    expect(pages[0]!.html).toContain(translate('de', 'mfa.intro'));
    expect(pages[1]!.status).toBe(400);
    expect(pages[1]!.html).toContain(translate('de', 'mfa.error.invalidCode'));
    expect(pages[1]!.html).toContain('aria-invalid="true"');
  });

  it('accepts each recovery code once', async () => {
    const user = await newUser();
    await withTotp(user);
    const [first, second] = await asSetup(() => idp.services.mfa.issueRecoveryCodes(fixture.tenant, user.id));
    const { tokens } = await signIn(config, { email: user.email!, step: answerCode(() => first!.toUpperCase()) });
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfa });

    const statuses: number[] = [];
    const reuse: StepAnswer = ({ url, html, status }) => {
      if (!url.includes('/mfa')) return undefined;
      statuses.push(status);
      if (statuses.length > 1) throw new Error('stop');
      return pageForm(html, '/mfa', { code: first! });
    };
    await expect(authorize(config, { email: user.email!, step: reuse })).rejects.toThrow('stop');
    expect(statuses).toEqual([200, 400]);
    expect((await idp.services.mfa.summary(fixture.tenant._id, user.id)).recoveryCodesLeft).toBe(9);
    // The other codes still work.
    await signIn(config, { email: user.email!, step: answerCode(() => second!) });
    expect((await idp.services.mfa.summary(fixture.tenant._id, user.id)).recoveryCodesLeft).toBe(8);
  });

  it('stops accepting codes after five wrong ones, even the right one', async () => {
    const user = await newUser();
    const secret = await withTotp(user);
    const wrongCode = await codeNotAccepted(secret);
    const pages: { status: number; html: string }[] = [];
    const guesses: StepAnswer = async ({ url, html, status }) => {
      if (!url.includes('/mfa')) return undefined;
      pages.push({ status, html });
      if (pages.length > 6) throw new Error('stop');
      return pageForm(html, '/mfa', { code: pages.length <= 5 ? wrongCode : await totpCode(secret) });
    };
    await expect(authorize(config, { email: user.email!, step: guesses })).rejects.toThrow('stop');
    expect(pages.slice(1, 6).map((p) => p.status)).toEqual([400, 400, 400, 400, 400]);
    expect(pages[6]!.status).toBe(429);
    expect(pages[6]!.html).toContain(translate('en', 'mfa.error.blocked'));
  });

  describe('acr_values', () => {
    const mfaOnly = { acr_values: ACR.mfa };

    it('publishes its classes in discovery, the federated one among them', () => {
      expect(config.serverMetadata().acr_values_supported).toEqual([ACR.pwd, ACR.mfa, ACR.fed]);
    });

    it('answers a request for two factors from a user without a second factor with unmet_authentication_requirements', async () => {
      const user = await newUser();
      const { callbackUrl } = await authorize(config, { email: user.email!, extra: mfaOnly });
      expect(callbackUrl.searchParams.get('error')).toBe('unmet_authentication_requirements');
      expect(callbackUrl.searchParams.get('code')).toBeNull();
    });

    it('gives one factor where the request also accepts one factor, and says so in acr', async () => {
      const user = await newUser();
      const { tokens } = await signIn(config, { email: user.email!, extra: { acr_values: `${ACR.mfa} ${ACR.pwd}` } });
      expect(tokens.claims()).toMatchObject({ amr: ['pwd'], acr: ACR.pwd });
    });

    it('asks for the second factor when two are requested, and answers acr mfa', async () => {
      const user = await newUser();
      const secret = await withTotp(user);
      const { tokens } = await signIn(config, { email: user.email!, extra: mfaOnly, step: answerCode(() => totpCode(secret)) });
      expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfa });
    });

    it('does not answer a request for two factors from a one-factor session: the person signs in again', async () => {
      const user = await newUser();
      const browser = new Browser();
      const first = await signIn(config, { email: user.email!, browser });
      expect(first.tokens.claims()!.acr).toBe(ACR.pwd);
      const pages: string[] = [];
      const { callbackUrl } = await authorize(config, {
        email: user.email!,
        browser,
        extra: mfaOnly,
        step: ({ html }) => void pages.push(html),
      });
      expect(pages[0]).toContain('name="password"');
      expect(callbackUrl.searchParams.get('error')).toBe('unmet_authentication_requirements');
    });
  });

  it('lets a tenant admin require MFA for roles through the tenant settings', async () => {
    const call = adminClient(idp);
    const other = await createTenantFixture(idp.services, 'totp-settings');
    const admin = await serviceToken(idp, other.tenant, ['tenant_admin']);
    const patched = await call('PATCH', '/tenants/totp-settings', admin, { settings: { mfa: { required_for_roles: ['security', 'facility_manager'] } } });
    expect(patched.status).toBe(200);
    expect(patched.body.settings.mfa).toEqual({ required_for_roles: ['security', 'facility_manager'] });
    const bad = await call('PATCH', '/tenants/totp-settings', admin, { settings: { mfa: { required_for_roles: ['Not A Role'] } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('settings.mfa.required_for_roles');
  });
});
