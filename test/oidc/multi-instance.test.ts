import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { Browser, formAction } from '../support/browser.js';
import { createTenantFixture, PASSWORD, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { discoverClient } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** Two processes on one database behave as one: nothing that matters lives in a process's memory. */
describe('two instances on one database', () => {
  let one: TestIdp;
  let two: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    const masterKey = randomBytes(32);
    one = await startTestIdp({ masterKey });
    // Both serve one public URL, as two processes behind one load balancer do.
    two = await startTestIdp({ masterKey, database: one.testDatabase, env: { PUBLIC_URL: one.baseUrl } });
    fixture = await createTenantFixture(one.services, 'shared');
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it('finishes on instance two a sign-in begun on instance one', async () => {
    const browser = new Browser();
    const configOne = await discoverClient(one.baseUrl, fixture);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(configOne, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid roles',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'xyz',
    });
    // Authorization request and login page on one…
    const { url: loginUrl, res } = await browser.follow(url.href);
    const action = formAction(await res.text(), '/login');
    // …the forms are posted to two, as a load balancer may send any request anywhere.
    const onTwo = (u: string) => u.replace(one.baseUrl, two.baseUrl);
    const twoLogin = onTwo(new URL(action, loginUrl).href);
    let step = await browser.follow(twoLogin, REDIRECT_URI, { method: 'POST', form: { email: fixture.user.email!, password: PASSWORD } });
    expect(step.res.status).not.toBe(400);
    const consent = await step.res.text();
    step = await browser.follow(onTwo(new URL(formAction(consent, '/confirm'), step.url).href), REDIRECT_URI, { method: 'POST', form: {} });
    expect(step.url.startsWith(REDIRECT_URI)).toBe(true);

    const callback = new URL(step.url);
    const code = callback.searchParams.get('code')!;
    const tokenRes = await fetch(`${two.baseUrl}/t/shared/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${fixture.clientId}:${fixture.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
    });
    expect(tokenRes.status).toBe(200);
    const tokens = (await tokenRes.json()) as { access_token: string };
    // A token issued by two is honoured by one.
    expect((await client.tokenIntrospection(configOne, tokens.access_token)).active).toBe(true);
    const userinfo = await fetch(`${two.baseUrl}/t/shared/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(((await userinfo.json()) as { roles: string[] }).roles).toEqual(['employee', 'team_lead']);
  });
});
