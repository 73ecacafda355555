import { setTimeout as sleep } from 'node:timers/promises';
import { asSetup, createTenantFixture, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { startTwoTestIdps, type TestIdp } from '../support/test-idp.js';

const REFRESH_MS = 1000;

/**
 * Client registrations are kept in memory for TENANT_REFRESH_MS. The bound: a change stops the old
 * registration at once in the process that made it, and in every other process once that time has passed.
 */
describe('client registrations kept by two processes', () => {
  let one: TestIdp;
  let two: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    [one, two] = await startTwoTestIdps({ TENANT_REFRESH_MS: String(REFRESH_MS) });
    fixture = await createTenantFixture(one.services, 'cached');
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  /** A client-credentials request at one process, answered with its status and error code. */
  async function tokenAt(idp: TestIdp, secret: string): Promise<{ status: number; error?: string }> {
    const res = await fetch(`${idp.baseUrl}/t/cached/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${fixture.clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE, scope: 'locks:open' }),
    });
    const body = (await res.json()) as { error?: string };
    return { status: res.status, error: body.error };
  }

  it('a rotated secret stops at once where it was rotated, and everywhere within TENANT_REFRESH_MS', async () => {
    // Both processes have the registration in memory.
    expect(await tokenAt(one, fixture.clientSecret)).toEqual({ status: 200 });
    expect(await tokenAt(two, fixture.clientSecret)).toEqual({ status: 200 });

    const { clientSecret } = await asSetup(() => one.services.clients.rotateSecret(fixture.tenant._id, fixture.clientId));
    expect(await tokenAt(one, fixture.clientSecret)).toEqual({ status: 401, error: 'invalid_client' });
    expect(await tokenAt(one, clientSecret)).toEqual({ status: 200 });

    await sleep(REFRESH_MS + 50);
    expect(await tokenAt(two, fixture.clientSecret)).toEqual({ status: 401, error: 'invalid_client' });
    expect(await tokenAt(two, clientSecret)).toEqual({ status: 200 });
    fixture = { ...fixture, clientSecret };
  });

  it('a deleted client stops at once where it was deleted, and everywhere within TENANT_REFRESH_MS', async () => {
    expect(await tokenAt(one, fixture.clientSecret)).toEqual({ status: 200 });
    expect(await tokenAt(two, fixture.clientSecret)).toEqual({ status: 200 });

    await asSetup(() => one.services.clients.delete(fixture.tenant._id, fixture.clientId));
    expect(await tokenAt(one, fixture.clientSecret)).toEqual({ status: 401, error: 'invalid_client' });

    await sleep(REFRESH_MS + 50);
    expect(await tokenAt(two, fixture.clientSecret)).toEqual({ status: 401, error: 'invalid_client' });
  });
});
