import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { asSetup } from '../support/fixtures.js';
import {
  consoleScreenshot,
  createPerson,
  seriousAccessibilityViolations,
  signInToConsole,
  startConsoleWorld,
  type ConsoleSession,
  type ConsoleWorld,
} from './console-harness.js';

/**
 * The Webhooks page as a tenant admin uses it: subscribing (the API's refusal, the personal-data warning, the
 * secret shown once), a subscription's deliveries, and removing one; what a user manager is shown; and its
 * accessibility in English and Swedish. Results are checked in the services, not only on screen.
 */
describe('the Webhooks page of the console', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let admin: ConsoleSession;
  let manager: { email: string };
  let ada: { email: string };
  const receiver = 'https://93.184.215.14/hooks';

  const subscriptions = () => world.idp.services.webhooks.list(tenant._id);

  beforeAll(async () => {
    world = await startConsoleWorld();
    tenant = await asSetup(() => world.idp.services.tenants.create({ slug: 'hookshop', name: 'Hookshop' }));
    ada = await createPerson(world.idp, tenant, 'ada', ['tenant_admin']);
    manager = await createPerson(world.idp, tenant, 'max', ['user_manager']);
    admin = await signInToConsole(world, 'hookshop', ada.email, 'en', 'webhooks');
    await admin.page.getByText('No subscriptions yet.').waitFor();
    await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.idp.publicUrl });
  }, 60_000);
  afterAll(() => world?.close());

  it("shows the API's refusal of a private address at the field and subscribes nothing", async () => {
    const form = admin.page.getByRole('form', { name: 'Subscribe' });
    await form.getByLabel('URL', { exact: true }).fill('https://127.0.0.1/hooks');
    await form.getByRole('checkbox', { name: 'user.created' }).check();
    await form.getByRole('button', { name: 'Subscribe' }).click();
    await form.locator('.field-error').filter({ hasText: 'must resolve to public addresses only' }).waitFor();
    await expect(subscriptions()).resolves.toEqual([]);
  });

  it('warns about personal data, subscribes, and shows the signing secret once with a copy button', async () => {
    const { page } = admin;
    const form = page.getByRole('form', { name: 'Subscribe' });
    await form.getByLabel('URL', { exact: true }).fill(receiver);
    await form.getByRole('checkbox', { name: 'user.locked' }).check();
    await form.getByLabel('Include names and email addresses').check();
    await expect(form.getByText(/receives personal data/).textContent()).resolves.toContain('a processing agreement for it (GDPR Art. 28)');
    await form.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('status').filter({ hasText: `${receiver} is subscribed.` }).waitFor();
    await expect(page.getByRole('region', { name: `Signing secret of ${receiver}` }).textContent()).resolves.toContain('it will not be shown again');
    await page.getByRole('status').filter({ hasText: 'Its operator receives personal data' }).waitFor();
    const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();

    const [saved] = await subscriptions();
    expect([saved?.url, saved?.eventTypes, saved?.includePersonalData]).toEqual([receiver, ['user.created', 'user.locked'], true]);
    expect(world.idp.services.webhooks.secretOf(saved!)).toBe(secret);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(secret);
    await page.getByRole('button', { name: 'I have stored the secret' }).click();
    await expect(page.getByRole('textbox', { name: 'Signing secret' }).count()).resolves.toBe(0);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: receiver }) });
    await expect(row.textContent()).resolves.toContain('user.created, user.locked');
    await expect(row.textContent()).resolves.toContain('Included');
  });

  it("lists a subscription's deliveries as the API holds them", async () => {
    const { page } = admin;
    await createPerson(world.idp, tenant, 'newcomer', []);
    const [subscription] = await subscriptions();
    const held = await world.idp.services.webhooks.history(tenant._id, subscription!._id, 50);
    expect(held.map((d) => d.eventType)).toEqual(['user.created']);
    await page.getByRole('button', { name: `Deliveries to ${receiver}` }).click();
    const deliveries = page.getByRole('region', { name: `Deliveries to ${receiver}` }).first();
    await deliveries.getByRole('rowheader', { name: 'user.created' }).waitFor();
    await expect(deliveries.getByRole('row').count()).resolves.toBe(2);
    await deliveries.getByRole('button', { name: 'Close' }).click();
  });

  it('removes a subscription only after saying what removing means', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: `Remove ${receiver}` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove the subscription of ${receiver}?` });
    await expect(dialog.textContent()).resolves.toContain('its deliveries, waiting or done, are deleted');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(subscriptions().then((s) => s.length)).resolves.toBe(1);
    await page.getByRole('button', { name: `Remove ${receiver}` }).click();
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('status').filter({ hasText: `The subscription of ${receiver} is removed.` }).waitFor();
    await page.getByText('No subscriptions yet.').waitFor();
    await expect(subscriptions()).resolves.toEqual([]);
  });

  it('does not offer a user manager the page, as webhooks are a tenant admin’s', async () => {
    const { page, context } = await signInToConsole(world, 'hookshop', manager.email);
    await expect(page.getByRole('navigation').getByRole('link').allTextContents()).resolves.not.toContain('Webhooks');
    await context.close();
  });

  it.each([
    ['en', 'No subscriptions yet.'],
    ['sv', 'Inga prenumerationer ännu.'],
  ])('has no serious accessibility violations in %s, the personal-data warning shown', async (locale, empty) => {
    const { page, problems, context } = await signInToConsole(world, 'hookshop', ada.email, locale, 'webhooks');
    await page.getByText(empty).waitFor();
    await page.locator('#webhook-personal').check();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'webhooks', locale);
    expect(problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
    await context.close();
  });
});
