import { exportJWK, generateKeyPair } from 'jose';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { asSetup } from '../support/fixtures.js';
import { consoleScreenshot, createPerson, seriousAccessibilityViolations, signInToConsole, startConsoleWorld, type ConsoleWorld } from './console-harness.js';

/**
 * A person's phones in their "Sign-in and data" panel on the Users page: listed with when each was registered
 * and revoked, and revoked one at a time after confirming, by a tenant admin or a user manager.
 */
describe("a person's phones in the console", () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let manager: { email: string; id: string };
  let bob: { email: string; id: string };

  const phoneKey = async () => ({ ...(await exportJWK((await generateKeyPair('ES256')).publicKey)) });
  const bobsDevices = async () => (await world.idp.services.devices.list(tenant._id, bob.id)).map((d) => [d.label, d.revokedAt ? 'revoked' : 'active']);

  beforeAll(async () => {
    world = await startConsoleWorld();
    const { services } = world.idp;
    tenant = await asSetup(() => services.tenants.create({ slug: 'phonebox', name: 'Phonebox' }));
    manager = await createPerson(world.idp, tenant, 'max', ['user_manager']);
    bob = await createPerson(world.idp, tenant, 'bob', []);
    const work = await phoneKey();
    await asSetup(() => services.devices.register(tenant._id, bob.id, { label: 'Work phone', jwk: work }));
    const own = await phoneKey();
    await asSetup(() => services.devices.register(tenant._id, bob.id, { label: 'Own phone', jwk: own }));
  }, 60_000);
  afterAll(() => world?.close());

  it('lists the phones to a user manager and revokes one after confirming', async () => {
    const { page, problems, context } = await signInToConsole(world, 'phonebox', manager.email, 'en', 'users');
    await page.getByRole('rowheader', { name: bob.email }).waitFor();
    await page.getByRole('button', { name: `Sign-in and data of ${bob.email}` }).click();
    const phones = page.getByRole('region', { name: 'Phones' });
    await phones.getByText('Work phone', { exact: true }).waitFor();
    await expect(phones.textContent()).resolves.toMatch(/Work phone registered .*Own phone registered/);

    await phones.getByRole('button', { name: 'Revoke Work phone' }).click();
    const dialog = page.getByRole('dialog', { name: `Revoke the phone Work phone of ${bob.email}?` });
    await expect(dialog.textContent()).resolves.toContain('It gets no more door keys');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(bobsDevices()).resolves.toEqual([['Work phone', 'active'], ['Own phone', 'active']]);

    await phones.getByRole('button', { name: 'Revoke Work phone' }).click();
    await dialog.getByRole('button', { name: 'Revoke Work phone' }).click();
    await page.getByRole('status').filter({ hasText: 'Phone Work phone revoked.' }).waitFor();
    await phones.getByText(/revoked/).waitFor();
    await expect(phones.getByRole('button', { name: 'Revoke Work phone' }).count()).resolves.toBe(0);
    await phones.getByRole('button', { name: 'Revoke Own phone' }).waitFor();
    await expect(bobsDevices()).resolves.toEqual([['Work phone', 'revoked'], ['Own phone', 'active']]);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'user-devices', 'en');
    expect(problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
    await context.close();
  });

  it('has no serious accessibility violations in German', async () => {
    const { page, context } = await signInToConsole(world, 'phonebox', manager.email, 'de', 'users');
    await page.getByRole('button', { name: `Anmeldung und Daten von ${bob.email}` }).click();
    const phones = page.getByRole('region', { name: 'Telefone' });
    await phones.getByRole('button', { name: 'Own phone sperren' }).waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'user-devices', 'de');
    await context.close();
  });
});
