import { setTimeout as sleep } from 'node:timers/promises';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTwoTestIdps, type TestIdp } from '../support/test-idp.js';

const REFRESH_MS = 1000;

/**
 * The upstream providers a tenant's sign-in pages offer are kept for TENANT_REFRESH_MS. The bound: a provider
 * added, changed or removed shows at once in the process that made the change, and in every other process once
 * that time has passed.
 */
describe('upstream providers on the sign-in pages, kept by two processes', () => {
  let one: TestIdp;
  let two: TestIdp;
  let fixture: TenantFixture;
  const offered = async (idp: TestIdp) => (await idp.services.upstreamIdps.forSignIn(fixture.tenant._id)).map((p) => p.name);

  beforeAll(async () => {
    [one, two] = await startTwoTestIdps({ TENANT_REFRESH_MS: String(REFRESH_MS) });
    fixture = await createTenantFixture(one.services, 'kept-idps');
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it('offers a new provider at once where it was added, and in the other process within the bound', async () => {
    expect([await offered(one), await offered(two)]).toEqual([[], []]);
    await one.services.upstreamIdps.create(fixture.tenant._id, { name: 'Corp', issuer: 'https://idp.corp.test', clientId: 'doorway', clientSecret: 's3cret' });
    expect([await offered(one), await offered(two)]).toEqual([['Corp'], []]);
    await sleep(REFRESH_MS + 100);
    expect(await offered(two)).toEqual(['Corp']);
  });

  it('stops offering a removed provider at once where it was removed, and in the other process within the bound', async () => {
    const [corp] = await one.services.upstreamIdps.list(fixture.tenant._id);
    expect([await offered(one), await offered(two)]).toEqual([['Corp'], ['Corp']]);
    await two.services.upstreamIdps.delete(fixture.tenant._id, corp!._id);
    expect([await offered(two), await offered(one)]).toEqual([[], ['Corp']]);
    await sleep(REFRESH_MS + 100);
    expect(await offered(one)).toEqual([]);
  });
});
