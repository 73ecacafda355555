import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { asSetup } from '../support/fixtures.js';
import { createPerson, holdReads, signInToConsole, startConsoleWorld, type ConsoleSession, type ConsoleWorld } from './console-harness.js';

/** The Roles page as a tenant admin uses it: the example every page spec follows. */
describe('the Roles page of the console', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let admin: ConsoleSession;

  beforeAll(async () => {
    world = await startConsoleWorld();
    tenant = await asSetup(() => world.idp.services.tenants.create({ slug: 'globex', name: 'Globex' }));
    await asSetup(() => world.idp.services.roles.create(tenant._id, { name: 'night_guard', description: 'Walks the halls' }));
    const { email } = await createPerson(world.idp, tenant, 'gina', ['tenant_admin']);
    admin = await signInToConsole(world, 'globex', email, 'en', 'roles');
    await admin.page.getByRole('rowheader', { name: 'night_guard' }).waitFor();
  }, 60_000);
  afterAll(() => world?.close());

  const roleNamed = async (name: string) => world.idp.services.roles.getByName(tenant._id, name).catch(() => null);

  it("shows the API's problem, field by field, when it refuses a new role", async () => {
    const { page } = admin;
    await page.getByLabel('Name').fill('Not A Role');
    await page.getByRole('button', { name: 'Create role' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/name.*lower-case role name/);
    await expect(roleNamed('Not A Role')).resolves.toBeNull();
  });

  it("changes a role's description in place", async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Edit night_guard' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'night_guard' }) });
    await row.getByLabel('Description').fill('Walks the halls at night');
    // With the list's reload held back, the row shows the description as the API answered the change.
    const reads = await holdReads(page, '/roles');
    try {
      await row.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await row.getByRole('cell', { name: 'Walks the halls at night', exact: true }).waitFor();
    } finally {
      await reads.end();
    }
    await expect(roleNamed('night_guard').then((r) => r?.description)).resolves.toBe('Walks the halls at night');
  });

  it('deletes a role only after the person has read the consequences and confirmed', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Delete night_guard' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete role night_guard?' });
    await expect(dialog.textContent()).resolves.toContain('Door grants that follow from this role end now');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(roleNamed('night_guard')).resolves.not.toBeNull();

    await page.getByRole('button', { name: 'Delete night_guard' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Role night_guard deleted.' }).waitFor();
    await page.getByRole('rowheader', { name: 'night_guard' }).waitFor({ state: 'detached' });
    await expect(roleNamed('night_guard')).resolves.toBeNull();
    expect(admin.problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
  });
});
