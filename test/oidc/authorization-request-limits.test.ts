import { translate } from '../../src/i18n/messages.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { authorizeUrl } from '../support/sign-in-pages.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const HTML = { accept: 'text/html,application/xhtml+xml' };

/** Authorization requests are stored before anyone signs in: their size and number from one address are bounded. */
describe('authorization request limits', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  const PER_IP = 3;

  beforeAll(async () => {
    // Behind a proxy, so each test can come from an address of its own.
    idp = await startTestIdp({ env: { TRUST_PROXY: 'true', AUTHORIZATION_REQUESTS_PER_IP: String(PER_IP) } });
    fixture = await createTenantFixture(idp.services, 'acme');
  });
  afterAll(() => idp.close());

  const authorize = (extra: Record<string, string>, from: string, headers: Record<string, string> = {}) =>
    fetch(authorizeUrl(idp.baseUrl, fixture, extra), { redirect: 'manual', headers: { 'x-forwarded-for': from, ...headers } });
  const stored = () => idp.db.models.oidcEntries.countDocuments({ tenantId: fixture.tenant._id });

  it('refuses an oversized state or nonce, or an oversized query, with invalid_request and stores nothing', async () => {
    const before = await stored();
    const refused = [
      await authorize({ state: 'x'.repeat(14 * 1024) }, '198.51.100.1'),
      await authorize({ nonce: 'n'.repeat(1025) }, '198.51.100.2'),
      await authorize({ login_hint: 'h'.repeat(8 * 1024) }, '198.51.100.3'),
    ];
    for (const res of refused) {
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    }
    expect(await stored()).toBe(before);

    const page = await authorize({ state: 'x'.repeat(2000) }, '198.51.100.4', HTML);
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(translate('en', 'oauthError.heading'));
    expect(html).toContain('invalid_request');
  });

  it('takes a state and a nonce of 1024 characters', async () => {
    const before = await stored();
    const res = await authorize({ state: 's'.repeat(1024), nonce: 'n'.repeat(1024) }, '198.51.100.5');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/\/interaction\//);
    expect(await stored()).toBeGreaterThan(before);
  });

  it('answers requests from one address past the limit with 429 and Retry-After, a page for a browser', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP; i++) statuses.push((await authorize({}, '203.0.113.9')).status);
    expect(statuses).toEqual(Array<number>(PER_IP).fill(303));
    const before = await stored();

    const refused = await authorize({}, '203.0.113.9');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: 'temporarily_unavailable' });
    const page = await authorize({}, '203.0.113.9', HTML);
    expect(page.status).toBe(429);
    expect(await page.text()).toContain(translate('en', 'rateLimited.heading'));
    expect(await stored()).toBe(before);

    // Another address is not held back by this one.
    expect((await authorize({}, '203.0.113.10')).status).toBe(303);
  });
});
