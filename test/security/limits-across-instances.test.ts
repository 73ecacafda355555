import { randomBytes } from 'node:crypto';
import { translate } from '../../src/i18n/messages.js';
import { asSetup, createTenantFixture, PASSWORD, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { attempt, type Answer } from '../support/sign-in-pages.js';
import { checkedAtOnce } from '../support/sign-in-rush.js';

const WRONG = 'not-the-password-at-all';

/** Two processes of one deployment count the same requests: a limit is reached at the same total count. */
describe('limits across two instances on one database', () => {
  let one: TestIdp;
  let two: TestIdp;
  let fixture: TenantFixture;
  // Behind a proxy, so each test can come from an address of its own.
  const env = { TRUST_PROXY: 'true', SIGNIN_FAILURES_PER_IP: '4', TOKEN_REQUESTS_PER_CLIENT: '3' };

  beforeAll(async () => {
    const masterKey = randomBytes(32);
    one = await startTestIdp({ masterKey, env });
    two = await startTestIdp({ masterKey, database: one.testDatabase, env: { ...env, PUBLIC_URL: one.baseUrl } });
    fixture = await createTenantFixture(one.services, 'shared');
    await one.services.tenants.update(fixture.tenant._id, { settings: { maxFailedLogins: 3 } });
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  const instance = (i: number) => (i % 2 === 0 ? one : two);

  it('locks an account at the third failure in total, alternating between the instances', async () => {
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      await attempt(instance(i).baseUrl, fixture, fixture.user.email!, WRONG, '198.51.100.1');
      statuses.push((await one.services.users.getById(fixture.tenant, fixture.user.id)).status);
    }
    expect(statuses).toEqual(['active', 'active', 'locked']);
  });

  it('checks no more passwords of one account than the limit when attempts reach both instances at once', async () => {
    const rush = await asSetup(() => one.services.users.create(fixture.tenant, { email: 'rush@shared.test', password: PASSWORD, name: 'Rush' }));
    const passwords = [...Array<string>(11).fill(WRONG), PASSWORD];
    const answers = await checkedAtOnce([one.baseUrl, two.baseUrl], fixture, rush.email!, passwords, (i) => `198.51.100.${20 + i}`);
    expect(answers.filter((a) => a.status === 400 || a.status === 303).length).toBeLessThanOrEqual(3);
    expect((await one.services.users.getById(fixture.tenant, rush.id)).status).toBe('locked');
  });

  it('refuses the fifth failed sign-in from one address, whichever instance gets it', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i++) answers.push(await attempt(instance(i).baseUrl, fixture, `guess-${i}@shared.test`, WRONG, '203.0.113.7'));
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 429]);
    const minutes = Math.ceil(Number(answers[4]!.retryAfter) / 60);
    expect(answers[4]!.alert).toBe(translate('en', 'login.error.network', { minutes }));
    // Another address is not held back by this one.
    expect((await attempt(two.baseUrl, fixture, 'guess-x@shared.test', WRONG, '203.0.113.8')).status).toBe(400);
  });

  it("answers the fourth token request of a client with 429, whichever instance gets it", async () => {
    const basic = `Basic ${Buffer.from(`${fixture.clientId}:${fixture.clientSecret}`).toString('base64')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${instance(i).baseUrl}/t/shared/token`, {
        method: 'POST',
        headers: { authorization: basic, 'x-forwarded-for': '192.0.2.10' },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE, scope: 'locks:open' }),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(await res.json()).toMatchObject({ error: 'slow_down' });
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
