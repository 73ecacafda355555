import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { asSetup } from '../support/fixtures.js';
import { createPerson, seriousAccessibilityViolations, signInToConsole, startConsoleWorld, type ConsoleWorld } from './console-harness.js';

/** An app with client credentials gets service-account roles on the Apps page, scim_provisioner among them. */
describe('service-account roles on the Apps page of the console', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let admin: { email: string };

  beforeAll(async () => {
    world = await startConsoleWorld();
    tenant = await asSetup(() => world.idp.services.tenants.create({ slug: 'directory', name: 'Directory' }));
    admin = await createPerson(world.idp, tenant, 'ada', ['tenant_admin']);
  }, 60_000);
  afterAll(() => world?.close());

  it('offers the roles only with client credentials, and shows what the API says about scim_provisioner', async () => {
    const { page, context } = await signInToConsole(world, 'directory', admin.email, 'en', 'apps');
    await page.getByText('No apps yet.').waitFor();
    const roles = page.getByRole('group', { name: 'Roles of the app as a service account' });
    await expect(roles.count()).resolves.toBe(0);
    await page.getByLabel('Name', { exact: true }).fill('HR directory');
    await page.getByRole('checkbox', { name: 'Authorization code (people sign in)' }).uncheck();
    await page.getByRole('checkbox', { name: 'Client credentials (the app acts as itself)' }).check();
    for (const scope of ['openid', 'profile', 'email']) await page.getByRole('checkbox', { name: scope, exact: true }).uncheck();
    const offered = await roles.locator('label').allTextContents();
    expect(offered).toEqual(['tenant_admin', 'user_manager', 'auditor', 'scim_provisioner']);
    await roles.getByRole('checkbox', { name: 'scim_provisioner' }).check();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('status').filter({ hasText: 'App HR directory created.' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'The scim_provisioner role lets this service account' }).waitFor();
    const [app] = (await world.idp.services.clients.list(tenant._id, { limit: 10 })).items;
    expect(app!.metadata).toMatchObject({ client_name: 'HR directory', grant_types: ['client_credentials'], service_roles: ['scim_provisioner'] });
    await context.close();
  });
});
