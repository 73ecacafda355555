import { readFileSync, statSync } from 'node:fs';
import * as client from 'openid-client';
import type { Browser as Chromium, Page } from 'playwright-core';
import { SUPPORTED_LOCALES, type Locale } from '../../src/i18n/locales.js';
import { translate } from '../../src/i18n/messages.js';
import { ACR } from '../../src/mfa/acr.js';
import type { User } from '../../src/users/user.service.js';
import { addVirtualAuthenticator, isCspOrScriptProblem, launchChromium, screenshot, screenshotPath, startCallbackServer, startLocalhostIdp, watchedPage } from '../support/browser-driver.js';
import { asSetup, createTenantFixture, PASSWORD } from '../support/fixtures.js';
import { queuedMail } from '../support/smtp.js';
import type { TestIdp } from '../support/test-idp.js';
import { totpCode } from '../mfa/mfa-pages.js';

type Idp = TestIdp & { publicUrl: string };
type Callback = Awaited<ReturnType<typeof startCallbackServer>>;

/** The pages the tests below keep a screenshot of, in every language. */
const SCREENSHOTS = ['login', 'mfa-enrol', 'recovery-codes', 'consent', 'account-mfa', 'account-password', 'mfa', 'invitation'] as const;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('sign-in pages in a real browser (Chromium), in every language', () => {
  let idp: Idp;
  let chromium: Chromium;
  let rp: Callback;
  let oidc: client.Configuration;
  let tenant: Awaited<ReturnType<typeof createTenantFixture>>['tenant'];
  const secrets = new Map<Locale, string>();
  // Screenshots older than this run are a previous run's, and prove nothing about this one.
  const startedAt = Date.now();
  const users = new Map<Locale, User>();

  beforeAll(async () => {
    chromium = await launchChromium();
    idp = await startLocalhostIdp();
    rp = await startCallbackServer();
    ({ tenant } = await createTenantFixture(idp.services, 'browser'));
    await idp.services.tenants.update(tenant._id, { settings: { mfa: { requiredForRoles: ['security'] } } });
    const { clientId, clientSecret } = await asSetup(() =>
      idp.services.clients.create(tenant._id, {
        client_name: 'Visitor app',
        redirect_uris: [rp.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid profile email',
      }),
    );
    oidc = await client.discovery(new URL(`${idp.publicUrl}/t/browser`), clientId, clientSecret, client.ClientSecretBasic(clientSecret!), {
      execute: [client.allowInsecureRequests],
    });
    for (const locale of SUPPORTED_LOCALES) {
      users.set(locale, await asSetup(() => idp.services.users.create(tenant, { email: `guard-${locale}@browser.test`, password: PASSWORD, roles: ['security'], locale })));
    }
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    await rp?.close();
    await idp?.close();
  });

  /** The relying party's authorization request, as its login button would send the browser. */
  async function startSignIn(page: Page, locale: Locale): Promise<{ verifier: string; state: string }> {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(oidc, {
      redirect_uri: rp.redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ui_locales: locale,
    });
    const response = await page.goto(url.href);
    expect(response?.ok()).toBe(true);
    return { verifier, state };
  }

  async function signInWithPassword(page: Page, user: User): Promise<void> {
    await page.fill('#email', user.email!);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/login"] button[type="submit"]')]);
  }

  /** Allows access on the consent page if it is shown, then waits for the relying party's callback. */
  async function consentAndReturn(page: Page, locale: Locale, shot = false): Promise<URL> {
    if (page.url().includes('/interaction/')) {
      expect(await page.textContent('h1')).toBe(translate(locale, 'consent.heading'));
      if (shot) await screenshot(page, 'consent', locale);
      await Promise.all([page.waitForURL(`${rp.redirectUri}**`), page.click('form[action$="/confirm"] button.btn-primary')]);
    }
    expect(page.url().startsWith(rp.redirectUri)).toBe(true);
    return rp.received.at(-1)!;
  }

  async function exchange(callback: URL, session: { verifier: string; state: string }) {
    const tokens = await client.authorizationCodeGrant(oidc, new URL(`${rp.redirectUri}${callback.search}`), {
      pkceCodeVerifier: session.verifier,
      expectedState: session.state,
    });
    return tokens.claims()!;
  }

  it.each(SUPPORTED_LOCALES.map((l) => [l]))('signs in with a password and enrols an authenticator app (%s)', async (locale) => {
    const user = users.get(locale)!;
    const context = await chromium.newContext({ locale });
    const { page, problems } = await watchedPage(context);
    const session = await startSignIn(page, locale);

    // The login page: its headers, its form token, its language.
    const login = await page.request.get(page.url());
    const csp = login.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(login.headers()['x-frame-options']).toBe('DENY');
    expect(await page.locator('form[action$="/login"] input[name="csrf"]').count()).toBe(1);
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect(await page.isVisible('text=' + translate(locale, 'login.passkey'))).toBe(true);
    // It names its icon, which the browser draws under the page's CSP, so no /favicon.ico is asked for.
    const iconWidth = "(async () => { const img = new Image(); img.src = document.querySelector('link[rel=icon]').href; await img.decode(); return img.naturalWidth; })()";
    expect(await page.evaluate<number>(iconWidth)).toBeGreaterThan(0);
    await screenshot(page, 'login', locale);

    await signInWithPassword(page, user);
    expect(page.url()).toMatch(/\/mfa-enrol$/);
    expect(await page.textContent('h1')).toBe(translate(locale, 'mfaEnrol.heading'));
    expect(await page.locator('img.qr').evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0)).toBe(true);
    await screenshot(page, 'mfa-enrol', locale);

    const uri = await page.getAttribute('a[href^="otpauth:"]', 'href');
    const secret = new URL(uri!).searchParams.get('secret')!;
    secrets.set(locale, secret);
    await page.fill('#code', await totpCode(secret));
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/mfa-enrol/totp"] button[type="submit"]')]);
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await screenshot(page, 'recovery-codes', locale);

    await Promise.all([page.waitForNavigation(), page.click('#continue')]);
    const claims = await exchange(await consentAndReturn(page, locale, true), session);
    expect(claims).toMatchObject({ sub: user.id, amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfa });

    // The account page, with the session this sign-in left.
    await page.goto(`${idp.publicUrl}/t/browser/account/mfa`);
    expect(await page.textContent('h1')).toBe(translate(locale, 'accountMfa.heading'));
    expect(await page.locator('#factors li').count()).toBe(1);
    await screenshot(page, 'account-mfa', locale);

    await page.goto(`${idp.publicUrl}/t/browser/account/password`);
    expect(await page.textContent('h1')).toBe(translate(locale, 'passwordChange.heading'));
    expect(await page.locator('form[action$="/account/password"] input[name="csrf"]').count()).toBe(1);
    // The address is in the form for password managers, not for the eye.
    expect(await page.isVisible('input[name="username"]')).toBe(false);
    await screenshot(page, 'account-password', locale);

    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
    await context.close();
  }, 60_000);

  it.each(SUPPORTED_LOCALES.map((l) => [l]))('asks for the code at the next sign-in (%s)', async (locale) => {
    const user = users.get(locale)!;
    const secret = secrets.get(locale);
    if (!secret) throw new Error('the enrolment test of this language did not run');
    const context = await chromium.newContext({ locale });
    const { page, problems } = await watchedPage(context);
    const session = await startSignIn(page, locale);
    await signInWithPassword(page, user);
    expect(page.url()).toMatch(/\/mfa$/);
    expect(await page.textContent('h1')).toBe(translate(locale, 'mfa.heading'));

    await page.fill('#code', '000000');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/mfa"] button[type="submit"]')]);
    expect(await page.textContent('#mfa-error')).toBe(translate(locale, 'mfa.error.invalidCode'));
    await screenshot(page, 'mfa', locale);

    await page.fill('#code', await totpCode(secret, 1));
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/mfa"] button[type="submit"]')]);
    const claims = await exchange(await consentAndReturn(page, locale), session);
    expect(claims).toMatchObject({ sub: user.id, acr: ACR.mfa });
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
    await context.close();
  }, 60_000);

  it.each(SUPPORTED_LOCALES.map((l) => [l]))('shows the invitation page of a new person (%s)', async (locale) => {
    const email = `invited-${locale}@browser.test`;
    await asSetup(() => idp.services.invitations.create(tenant, { email, name: 'Robin Invited', locale, roles: ['employee'], doors: [] }));
    // The link as the mail carries it, read from the outbox where the queued mail waits.
    const { link } = await queuedMail(idp, tenant, email);

    const context = await chromium.newContext({ locale });
    const { page, problems } = await watchedPage(context);
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect(await page.textContent('h1')).toBe(translate(locale, 'invitation.heading', { tenant: tenant.name }));
    expect(await page.locator('input[name="csrf"], input[type="password"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'invitation', locale);
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
    await context.close();
  }, 60_000);

  it('adds a passkey on the account page and signs in with it, without a password', async () => {
    const user = await asSetup(() => idp.services.users.create(tenant, { email: 'passkey@browser.test', password: PASSWORD, roles: ['employee'] }));
    const context = await chromium.newContext({ locale: 'en' });
    const { page, problems } = await watchedPage(context);
    await addVirtualAuthenticator(page);
    const first = await startSignIn(page, 'en');
    await signInWithPassword(page, user);
    await exchange(await consentAndReturn(page, 'en'), first);

    await page.goto(`${idp.publicUrl}/t/browser/account/mfa`);
    await Promise.all([page.waitForNavigation(), page.click('#passkey-section [data-passkey-start]')]);
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    expect((await idp.services.mfa.summary(tenant._id, user.id)).passkeys).toHaveLength(1);

    await context.clearCookies();
    const second = await startSignIn(page, 'en');
    await Promise.all([page.waitForNavigation(), page.click('[data-passkey-start]')]);
    const claims = await exchange(await consentAndReturn(page, 'en'), second);
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(expect.arrayContaining(['user']));
    expect(claims.amr).not.toContain('pwd');
    expect(claims.acr).toBe(ACR.mfa);
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
    await context.close();
  }, 60_000);

  // Last, so that it sees what every test above kept.
  it('kept a screenshot of every page in every language, each a PNG with a picture in it', () => {
    const problems = SCREENSHOTS.flatMap((name) =>
      SUPPORTED_LOCALES.flatMap((locale) => {
        const path = screenshotPath(name, locale);
        let file: Buffer;
        try {
          // A second's slack for file systems that keep whole seconds.
          if (statSync(path).mtimeMs < startedAt - 1000) return [`${name}-${locale}: left from an earlier run`];
          file = readFileSync(path);
        } catch {
          return [`${name}-${locale}: missing`];
        }
        // The IHDR chunk follows the signature: its width and height are the picture's.
        const [width, height] = file.length > 24 && file.subarray(0, 8).equals(PNG_SIGNATURE) ? [file.readUInt32BE(16), file.readUInt32BE(20)] : [0, 0];
        return width > 0 && height > 0 ? [] : [`${name}-${locale}: not a PNG with a picture`];
      }),
    );
    expect(problems).toEqual([]);
  });
});
