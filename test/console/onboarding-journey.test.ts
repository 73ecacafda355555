import { readFile } from 'node:fs/promises';
import { decodeJwt } from 'jose';
import type { BrowserContext } from 'playwright-core';
import { adminClient, personToken } from '../support/admin.js';
import { asSetup, registerApp } from '../support/fixtures.js';
import { watchedPage } from '../support/browser-driver.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { linkIn, makeCertificate, smtpEnv, TestSmtpServer } from '../support/smtp.js';
import { consoleUrl, createPerson, signInToConsole, startConsoleWorld, type ConsoleWorld } from './console-harness.js';

const BOB_PASSWORD = 'juniper-copper-lattice-harbour-63';
const CAROL_PASSWORD = 'meadow-violet-anchor-compass-41';

/**
 * A customer's life with Doorway, as the people do it in their browsers: an operator creates tenant acme in the
 * platform console with bob as its first admin; bob's invitation arrives at a real SMTP server; bob accepts it,
 * signs in to acme's console, invites carol with a role and a door; carol accepts, and an app's ID token for her
 * holds the door; bob exports carol's data, then erases her after typing her address, and she can no longer
 * sign in. An auditor is offered no erasure, and the API refuses one when forced.
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

  /** The invitee opens the mailed link in a browser of their own and chooses a name and password. */
  async function acceptInvitation(email: string, name: string, password: string): Promise<BrowserContext> {
    const link = linkIn((await smtp.mailTo(email)).mail, 'invitations');
    const context = await world.chromium.newContext({ locale: 'en', acceptDownloads: true });
    context.setDefaultTimeout(10_000);
    const { page } = await watchedPage(context);
    await page.goto(link);
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('Repeat the new password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Your account is ready' }).waitFor();
    return context;
  }

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

    const context = await acceptInvitation('bob@acme.test', 'Bob Builder', BOB_PASSWORD);
    const { page, problems } = await watchedPage(context);
    try {
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

  it("goes on with bob inviting carol with a role and a door, her app's ID token holding the door, her export and her erasure", async () => {
    const acme = await world.idp.services.tenants.getBySlug('acme');
    const bob = await signInToConsole(world, 'acme', 'bob@acme.test', 'en', 'roles', BOB_PASSWORD);
    const { page } = bob;

    await page.getByLabel('Name').fill('employee');
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('rowheader', { name: 'employee' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Doors', exact: true }).click();
    const doorForm = page.getByRole('form', { name: 'Create door' });
    await doorForm.getByLabel('Key').fill('main-door');
    await doorForm.getByLabel('Name').fill('Main door');
    await doorForm.getByRole('button', { name: 'Create door' }).click();
    await page.getByRole('rowheader', { name: 'main-door' }).waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Invitations' }).click();
    const invite = page.getByRole('form', { name: 'Send invitation' });
    await invite.getByLabel('Email', { exact: true }).fill('carol@acme.test');
    await invite.getByRole('checkbox', { name: 'employee' }).check();
    await invite.getByRole('group', { name: 'Doors' }).getByRole('checkbox', { name: 'Main door (main-door)' }).check();
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'Invitation to carol@acme.test queued for sending.' }).waitFor();
    await (await acceptInvitation('carol@acme.test', 'Carol Jones', CAROL_PASSWORD)).close();

    // An app of acme signs carol in; its ID token says which doors she may open.
    const app = await asSetup(() => registerApp(world.idp.services, acme));
    const rp = await discoverClient(world.idp.publicUrl, { tenant: acme, clientId: app.clientId, clientSecret: app.clientSecret! });
    const { tokens } = await signIn(rp, { email: 'carol@acme.test', password: CAROL_PASSWORD, scope: 'openid roles doors' });
    const idToken = decodeJwt(tokens.id_token!);
    expect(idToken.roles).toEqual(['employee']);
    expect((idToken.door_permissions as { door_id: string }[]).map((d) => d.door_id)).toEqual(['main-door']);
    const carol = (await world.idp.services.users.list(acme, { email: 'carol@acme.test', limit: 1 })).items[0]!;

    // An auditor of acme is offered no users page, so no erasure; forced through the API, it is refused.
    const auditor = await createPerson(world.idp, acme, 'audrey', ['auditor']);
    const audit = await signInToConsole(world, 'acme', auditor.email, 'en');
    await expect(audit.page.getByRole('navigation').getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
    await audit.context.close();
    // The console world's issuer is its public (localhost) address, so the API is called there too.
    const atPublicUrl = { ...world.idp, baseUrl: world.idp.publicUrl };
    const forced = await adminClient(atPublicUrl)('DELETE', `/tenants/acme/users/${carol.id}`, await personToken(atPublicUrl, acme, auditor.email));
    expect(forced.status).toBe(403);
    await expect(world.idp.services.users.findById(acme, carol.id)).resolves.toMatchObject({ id: carol.id });

    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Sign-in and data of carol@acme.test' }).click();
    const panel = page.getByRole('region', { name: 'Sign-in and data of carol@acme.test' });
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download export' }).click()]);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(JSON.stringify(exported)).toContain('carol@acme.test');
    expect(JSON.stringify(exported)).toContain('main-door');

    await page.getByRole('button', { name: 'Delete carol@acme.test' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete user carol@acme.test?' });
    await expect(dialog.textContent()).resolves.toContain('Their personal data is erased now');
    await dialog.getByLabel('Type carol@acme.test to confirm').fill('carol@acme.test');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'User carol@acme.test deleted.' }).waitFor();
    await expect(world.idp.services.users.findById(acme, carol.id)).resolves.toBeNull();
    expect(bob.problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
    await bob.context.close();

    // carol's password opens nothing any more: the sign-in page refuses it as it refuses any unknown account.
    await expect(signIn(rp, { email: 'carol@acme.test', password: CAROL_PASSWORD, scope: 'openid' })).rejects.toThrow(/answered 400/);
  }, 120_000);
});
