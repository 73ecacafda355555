import * as client from 'openid-client';
import { ACR } from '../../src/mfa/acr.js';
import { translate } from '../../src/i18n/messages.js';
import type { User } from '../../src/users/user.service.js';
import { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { authorize, discoverClient, signIn, type StepAnswer } from '../support/sign-in.js';
import { SoftwareAuthenticator } from '../support/software-authenticator.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { pageForm, passkeyForm } from './mfa-pages.js';

describe('passkeys (WebAuthn) as second factor and for passwordless sign-in', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let config: client.Configuration;
  let userCount = 0;
  let accountPage: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'keys');
    config = await discoverClient(idp.baseUrl, fixture);
    accountPage = `${idp.baseUrl}/t/keys/account/mfa`;
  });
  afterAll(() => idp.close());

  async function newUser(): Promise<User> {
    userCount += 1;
    return asSetup(() => idp.services.users.create(fixture.tenant, { email: `person${userCount}@keys.test`, password: PASSWORD, roles: ['employee'] }));
  }

  /** Signs in with the password and adds a passkey on the account page, as the person would. */
  async function enrolPasskey(user: User, authenticator: SoftwareAuthenticator): Promise<{ browser: Browser; page: string }> {
    const { browser } = await signIn(config, { email: user.email! });
    const html = await (await browser.request(accountPage)).text();
    const form = passkeyForm(html, '/account/mfa/passkey');
    const credential = JSON.stringify(authenticator.create(form.options));
    const res = await browser.request(new URL(form.action, accountPage).href, { form: pageForm(html, '/account/mfa/passkey', { credential }).fields });
    return { browser, page: await res.text() };
  }

  /** Answers the second-factor page with the authenticator, recording each page seen. */
  function answerWith(authenticator: SoftwareAuthenticator, seen: { url: string; status: number; html: string }[] = []): StepAnswer {
    return (page) => {
      if (!page.url.includes('/mfa')) return undefined;
      seen.push(page);
      if (seen.length > 1) throw new Error('stop');
      const form = passkeyForm(page.html, '/mfa/passkey');
      const credential = JSON.stringify(authenticator.get(form.options));
      return pageForm(page.html, '/mfa/passkey', { credential });
    };
  }

  /** Answers the login page with the authenticator's passkey instead of the password. */
  function passwordless(authenticator: SoftwareAuthenticator, seen: { status: number; html: string }[] = []): StepAnswer {
    return (page) => {
      if (!page.html.includes('name="password"')) return undefined;
      seen.push(page);
      if (seen.length > 1) throw new Error('stop');
      const form = passkeyForm(page.html, '/passkey');
      expect(form.options).toMatchObject({ userVerification: 'required' });
      expect(form.options.allowCredentials ?? []).toEqual([]);
      return pageForm(page.html, '/passkey', { credential: JSON.stringify(authenticator.get(form.options)) });
    };
  }

  it('adds a passkey on the account page, logged as the person, with recovery codes shown once', async () => {
    const user = await newUser();
    const { page } = await enrolPasskey(user, new SoftwareAuthenticator({ origin: idp.baseUrl }));
    expect(page).toContain('id="recovery-codes"');
    expect([...page.matchAll(/<li>[0-9a-z]{5}-[0-9a-z]{5}<\/li>/g)]).toHaveLength(10);
    const summary = await idp.services.mfa.summary(fixture.tenant._id, user.id);
    expect(summary.passkeys).toHaveLength(1);
    const log = await idp.services.changeLog.entriesAbout(fixture.tenant._id, user.id);
    expect(log.find((e) => e.action === 'mfa.passkey_registered')).toMatchObject({ actor: `user:${user.id}`, fields: ['passkey'] });
  });

  it('asks for the passkey after the password, and tells the app both factors', async () => {
    const user = await newUser();
    const authenticator = new SoftwareAuthenticator({ origin: idp.baseUrl });
    await enrolPasskey(user, authenticator);
    const { tokens } = await signIn(config, { email: user.email!, step: answerWith(authenticator) });
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'hwk', 'user', 'mfa'], acr: ACR.mfa });
  });

  it('signs in without a password with a passkey that verifies the user: a device-bound key is hwk', async () => {
    const user = await newUser();
    const authenticator = new SoftwareAuthenticator({ origin: idp.baseUrl, backupEligible: false });
    await enrolPasskey(user, authenticator);
    const { tokens } = await signIn(config, { email: 'not-asked@keys.test', step: passwordless(authenticator) });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(expect.arrayContaining(['hwk', 'user']));
    expect(claims.amr).not.toContain('pwd');
    expect(claims.acr).toBe(ACR.mfa);
  });

  it('signs in without a password with a synced passkey: swk', async () => {
    const user = await newUser();
    const authenticator = new SoftwareAuthenticator({ origin: idp.baseUrl, backupEligible: true });
    await enrolPasskey(user, authenticator);
    const { tokens } = await signIn(config, { email: 'not-asked@keys.test', step: passwordless(authenticator) });
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: expect.arrayContaining(['swk', 'user']), acr: ACR.mfa });
  });

  it("accepts one answer to the login page's challenge: the same assertion posted again is refused", async () => {
    const user = await newUser();
    // No signature counter, as with most synced passkeys: only the challenge can tell a replay.
    const authenticator = new SoftwareAuthenticator({ origin: idp.baseUrl, counterless: true });
    await enrolPasskey(user, authenticator);
    const browser = new Browser();
    const seen: { url: string; status: number; html: string }[] = [];
    const replayed: StepAnswer = async (page) => {
      if (!page.html.includes('name="password"')) return undefined;
      seen.push(page);
      if (seen.length > 1) throw new Error('stop');
      const form = passkeyForm(page.html, '/passkey');
      const answer = pageForm(page.html, '/passkey', { credential: JSON.stringify(authenticator.get(form.options)) });
      // The first post signs in (a redirect to resume, not followed); the same assertion is then posted again.
      const first = await browser.request(new URL(answer.action, page.url).href, { form: answer.fields });
      expect(first.status).toBe(303);
      return answer;
    };
    await expect(authorize(config, { browser, email: 'not-asked@keys.test', step: replayed })).rejects.toThrow('stop');
    expect(seen[1]!.status).toBe(400);
    expect(seen[1]!.html).toContain(translate('en', 'login.error.passkey'));
  });

  it('refuses a passwordless sign-in by a passkey that did not verify its user', async () => {
    const user = await newUser();
    const authenticator = new SoftwareAuthenticator({ origin: idp.baseUrl, userVerified: false });
    await enrolPasskey(user, authenticator);
    const seen: { status: number; html: string }[] = [];
    await expect(authorize(config, { email: user.email!, step: passwordless(authenticator, seen) })).rejects.toThrow('stop');
    expect(seen[1]!.status).toBe(400);
    expect(seen[1]!.html).toContain(translate('en', 'login.error.passkey'));
  });

  it('refuses a cloned authenticator whose signature counter has fallen behind', async () => {
    const user = await newUser();
    const original = new SoftwareAuthenticator({ origin: idp.baseUrl });
    await enrolPasskey(user, original);
    const clone = original.clone();
    await signIn(config, { email: user.email!, step: answerWith(original) });

    const seen: { url: string; status: number; html: string }[] = [];
    await expect(authorize(config, { email: user.email!, step: answerWith(clone, seen) })).rejects.toThrow('stop');
    expect(seen[1]!.status).toBe(400);
    expect(seen[1]!.html).toContain(translate('en', 'mfa.error.passkey'));
    // The original keeps working.
    const { tokens } = await signIn(config, { email: user.email!, step: answerWith(original) });
    expect(tokens.claims()!.acr).toBe(ACR.mfa);
  });

  it("refuses another user's passkey as a second factor", async () => {
    const owner = await newUser();
    const other = await newUser();
    const ownersKey = new SoftwareAuthenticator({ origin: idp.baseUrl });
    await enrolPasskey(owner, ownersKey);
    await enrolPasskey(other, new SoftwareAuthenticator({ origin: idp.baseUrl }));
    const seen: { url: string; status: number; html: string }[] = [];
    const answer: StepAnswer = (page) => {
      if (!page.url.includes('/mfa')) return undefined;
      seen.push(page);
      if (seen.length > 1) throw new Error('stop');
      const form = passkeyForm(page.html, '/mfa/passkey');
      // The owner's key, answering the other user's challenge as if it were allowed.
      const credential = ownersKey.get({ ...form.options, allowCredentials: [] });
      return pageForm(page.html, '/mfa/passkey', { credential: JSON.stringify(credential) });
    };
    await expect(authorize(config, { email: other.email!, step: answer })).rejects.toThrow('stop');
    expect(seen[1]!.status).toBe(400);
  });

  it('shows the account page only to a signed-in person', async () => {
    const res = await fetch(accountPage);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain(translate('en', 'accountMfa.signedOut', { tenant: fixture.tenant.name }));
  });

  it('removes a passkey from the account page, and the recovery codes with the last factor', async () => {
    const user = await newUser();
    const { browser } = await enrolPasskey(user, new SoftwareAuthenticator({ origin: idp.baseUrl }));
    const html = await (await browser.request(accountPage)).text();
    const remove = pageForm(html, '/remove');
    const res = await browser.request(new URL(remove.action, accountPage).href, { form: remove.fields });
    expect(res.status).toBe(303);
    expect(await idp.services.mfa.summary(fixture.tenant._id, user.id)).toEqual({ totp: null, passkeys: [], recoveryCodesLeft: 0 });
    const log = await idp.services.changeLog.entriesAbout(fixture.tenant._id, user.id);
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(['mfa.factor_removed', 'mfa.factors_removed']));
  });

  it('refuses a form posted without its token', async () => {
    const user = await newUser();
    const { browser } = await enrolPasskey(user, new SoftwareAuthenticator({ origin: idp.baseUrl }));
    const html = await (await browser.request(accountPage)).text();
    const remove = pageForm(html, '/remove');
    const res = await browser.request(new URL(remove.action, accountPage).href, { form: {}, submitHidden: false });
    expect(res.status).toBe(403);
    expect((await idp.services.mfa.summary(fixture.tenant._id, user.id)).passkeys).toHaveLength(1);
  });
});
