import * as client from 'openid-client';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** Last activity feeds inactivity anonymization: it must move whenever the person really uses an app. */
describe('user activity', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'active');
  });
  afterAll(() => idp.close());

  const lastActive = async () => (await idp.services.users.getById(fixture.tenant, fixture.user.id)).lastActiveAt;
  const backdate = (date: Date) => idp.db.models.users.updateOne({ tenantId: fixture.tenant._id, _id: fixture.user.id }, { $set: { lastActiveAt: date } });

  it('is recorded at sign-in', async () => {
    await backdate(new Date('2020-01-01T00:00:00Z'));
    await signIn(await discoverClient(idp.baseUrl, fixture), { email: fixture.user.email! });
    expect((await lastActive())!.getFullYear()).toBe(new Date().getFullYear());
  });

  it('is recorded when an app refreshes tokens in the background', async () => {
    const config = await discoverClient(idp.baseUrl, fixture);
    const { tokens } = await signIn(config, { email: fixture.user.email! });
    await backdate(new Date('2020-01-01T00:00:00Z'));
    await client.refreshTokenGrant(config, tokens.refresh_token!);
    let seen = await lastActive();
    for (let i = 0; i < 50 && seen!.getFullYear() === 2020; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await lastActive();
    }
    expect(seen!.getFullYear()).toBe(new Date().getFullYear());
  });
});
