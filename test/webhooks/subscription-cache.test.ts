import { setTimeout as sleep } from 'node:timers/promises';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTwoTestIdps, type TestIdp } from '../support/test-idp.js';

const REFRESH_MS = 1000;

/**
 * The subscriptions an event is queued for are kept per tenant for TENANT_REFRESH_MS. The bound: a subscription
 * created or deleted counts at once in the process that made the change, and in every other one once that time
 * has passed (until then a new one misses that process's events; a deleted one's deliveries are never sent).
 */
describe('webhook subscriptions, kept by two processes', () => {
  let one: TestIdp;
  let two: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    [one, two] = await startTwoTestIdps({ TENANT_REFRESH_MS: String(REFRESH_MS), WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' });
    fixture = await createTenantFixture(one.services, 'kept-hooks');
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  /** How many deliveries a sign-in event queues at `idp`. */
  const queuedAt = (idp: TestIdp) =>
    idp.services.webhooks.emit(fixture.tenant._id, { type: 'sign_in.succeeded', subjectId: fixture.user.id, data: { user_id: fixture.user.id, amr: ['pwd'] } });

  it('a new subscription takes events at once where it was created, and everywhere within TENANT_REFRESH_MS', async () => {
    // Both processes know the tenant has no subscription.
    expect(await queuedAt(one)).toBe(0);
    expect(await queuedAt(two)).toBe(0);

    const { subscription } = await asSetup(() => one.services.webhooks.create(fixture.tenant._id, { url: 'http://127.0.0.1:9/hook', eventTypes: ['sign_in.succeeded'] }));
    expect(await queuedAt(one)).toBe(1);
    await sleep(REFRESH_MS + 50);
    expect(await queuedAt(two)).toBe(1);

    await asSetup(() => one.services.webhooks.delete(fixture.tenant._id, subscription._id));
    expect(await queuedAt(one)).toBe(0);
    await sleep(REFRESH_MS + 50);
    expect(await queuedAt(two)).toBe(0);
  });

  it('an event type the subscription did not ask for queues nothing', async () => {
    const { subscription } = await asSetup(() => one.services.webhooks.create(fixture.tenant._id, { url: 'http://127.0.0.1:9/hook', eventTypes: ['user.locked'] }));
    expect(await queuedAt(one)).toBe(0);
    await asSetup(() => one.services.webhooks.delete(fixture.tenant._id, subscription._id));
  });
});
