import { asSetup } from '../support/fixtures.js';
import { watchedPage } from '../support/browser-driver.js';
import { linkIn, makeCertificate, smtpEnv, TestSmtpServer } from '../support/smtp.js';
import { consoleUrl, createPerson, signInToConsole, startConsoleWorld, type ConsoleWorld } from './console-harness.js';

const BOB_PASSWORD = 'juniper-copper-lattice-harbour-63';

/**
 * A customer's first day, as the people do it in their browsers: an operator creates tenant acme in the
 * platform console with bob as its first admin; bob's invitation arrives at a real SMTP server; bob accepts it,
 * signs in to acme's console and finds himself its tenant_admin.
 */
describe("a tenant's onboarding, from the operator's console to its first admin's", () => {
  let smtp: TestSmtpServer;
  let world: ConsoleWorld;

  beforeAll(async () => {
    const certificate = makeCertificate();
    smtp = await TestSmtpServer.start({ tls: 'starttls', certificate });
    world = await startConsoleWorld({ mailWorker: true, env: smtpEnv(smtp, certificate) });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await smtp?.close();
  });

  it('goes from the operator creating acme to bob seeing his tenant_admin role in acme’s console', async () => {
    const platform = await asSetup(() => world.idp.services.tenants.create({ slug: 'platform', name: 'Platform' }));
    const { email } = await createPerson(world.idp, platform, 'olga', ['platform_operator']);
    const operator = await signInToConsole(world, 'platform', email, 'en', 'tenants');
    const form = operator.page.getByRole('form', { name: 'Create tenant' });
    await form.getByLabel('Slug').fill('acme');
    await form.getByLabel('Name', { exact: true }).fill('Acme');
    await form.getByLabel('Email address').fill('bob@acme.test');
    await form.getByRole('button', { name: 'Create tenant' }).click();
    await operator.page.getByRole('status').filter({ hasText: 'Tenant acme created. Invitations sent: 1' }).waitFor();
    await operator.context.close();

    const link = linkIn((await smtp.mailTo('bob@acme.test')).mail, 'invitations');
    const context = await world.chromium.newContext({ locale: 'en' });
    context.setDefaultTimeout(10_000);
    const { page, problems } = await watchedPage(context);
    try {
      await page.goto(link);
      await page.getByLabel('Your name').fill('Bob Builder');
      await page.getByLabel('New password', { exact: true }).fill(BOB_PASSWORD);
      await page.getByLabel('Repeat the new password').fill(BOB_PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Your account is ready' }).waitFor();

      await page.goto(consoleUrl(world.idp, 'acme'));
      await page.waitForURL(/\/interaction\//);
      await page.fill('#email', 'bob@acme.test');
      await page.fill('#password', BOB_PASSWORD);
      await Promise.all([page.waitForURL(`${consoleUrl(world.idp, 'acme')}**`), page.click('form[action$="/login"] button[type="submit"]')]);
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await expect(page.locator('main').textContent()).resolves.toContain('Your roles: tenant_admin');
      await expect(page.locator('header').textContent()).resolves.toContain('Signed in as Bob Builder');
      expect(problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
    } finally {
      await context.close();
    }
    const acme = await world.idp.services.tenants.getBySlug('acme');
    const bob = (await world.idp.services.users.list(acme, { email: 'bob@acme.test', limit: 1 })).items[0];
    expect(bob?.roles).toEqual(['tenant_admin']);
  });
});
