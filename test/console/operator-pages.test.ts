import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { asSetup } from '../support/fixtures.js';
import {
  consoleScreenshot,
  consoleUrl,
  createPerson,
  seriousAccessibilityViolations,
  signInToConsole,
  startConsoleWorld,
  type ConsoleSession,
  type ConsoleWorld,
} from './console-harness.js';

/**
 * The operators' page of the platform console: tenants (create with first admins, suspend, resume, rotate keys,
 * the platform's own included, break-glass, terminate), and the platform's change log on the general Change log
 * page, each checked through the services.
 */
describe("the operators' pages of the console", () => {
  let world: ConsoleWorld;
  let operator: ConsoleSession;
  const tenants: Record<string, TenantDoc> = {};

  beforeAll(async () => {
    world = await startConsoleWorld();
    const { services } = world.idp;
    const platform = await asSetup(() => services.tenants.create({ slug: 'platform', name: 'Platform' }));
    for (const slug of ['globex', 'initech', 'hooli', 'umbrella']) tenants[slug] = await asSetup(() => services.tenants.create({ slug, name: slug.toUpperCase() }));
    await createPerson(world.idp, tenants.initech!, 'ian', ['tenant_admin']);
    // The platform's change log opens to its tenant_admins and auditors: this operator is also its auditor.
    const { email } = await createPerson(world.idp, platform, 'olga', ['platform_operator', 'auditor']);
    operator = await signInToConsole(world, 'platform', email, 'en', 'tenants');
    await operator.page.getByRole('rowheader', { name: 'globex' }).waitFor();
  }, 60_000);
  afterAll(() => world?.close());

  const stateOf = async (slug: string) => (await world.idp.services.tenants.findBySlug(slug))?.state ?? 'gone';
  const currentKids = async (tenantId: string) => (await world.idp.services.signingKeys.list(tenantId)).filter((k) => k.status === 'current').map((k) => k.kid);
  const invitationsOf = async (slug: string) => {
    const tenant = await world.idp.services.tenants.getBySlug(slug);
    return (await world.idp.services.invitations.list(tenant, { limit: 10 })).items;
  };
  const notice = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();

  it('creates a tenant with its first admin, saying what an admin may do before, and that the invitation left after', async () => {
    const { page } = operator;
    const form = page.getByRole('form', { name: 'Create tenant' });
    await expect(form.textContent()).resolves.toContain('A tenant_admin can read and change the personal data of every user');
    await form.getByLabel('Slug').fill('acme');
    await form.getByLabel('Name', { exact: true }).fill('Acme');
    await form.getByLabel('Email address').fill('bob@acme.test');
    await form.getByRole('button', { name: 'Create tenant' }).click();
    await notice(page, 'Tenant acme created. Invitations sent: 1');
    const [invitation] = await invitationsOf('acme');
    await notice(page, `The link works until ${invitation!.expiresAt.toLocaleDateString('en')}`);
    // The API's own warning about the role, shown where the operator sees the outcome.
    await page.getByRole('status').filter({ hasText: 'tenant_admin role gives' }).waitFor();
    await page.getByRole('rowheader', { name: 'acme' }).waitFor();
    await expect(stateOf('acme')).resolves.toBe('active');
    await expect(invitationsOf('acme').then((items) => items.map((i) => [i.email, i.roles]))).resolves.toEqual([['bob@acme.test', ['tenant_admin']]]);
  });

  it("shows the API's field problem when it refuses a tenant, and makes none", async () => {
    const { page } = operator;
    const form = page.getByRole('form', { name: 'Create tenant' });
    await form.getByLabel('Slug').fill('Not A Slug');
    await form.getByLabel('Name', { exact: true }).fill('Bad');
    await form.getByLabel('Email address').fill('someone@bad.test');
    await form.getByRole('button', { name: 'Create tenant' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/slug.*lower-case letters/);
    await expect(world.idp.services.tenants.findBySlug('Not A Slug')).resolves.toBeNull();
  });

  it('suspends a tenant after saying nobody signs in and its tokens stop verifying, and resumes it', async () => {
    const { page } = operator;
    await page.getByRole('button', { name: 'Suspend globex', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Suspend tenant globex?' });
    await expect(dialog.textContent()).resolves.toContain('the tokens it issued stop verifying');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(stateOf('globex')).resolves.toBe('active');

    await page.getByRole('button', { name: 'Suspend globex', exact: true }).click();
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await notice(page, 'Tenant globex suspended.');
    await expect(stateOf('globex')).resolves.toBe('suspended');

    await page.getByRole('button', { name: 'Resume globex', exact: true }).click();
    await page.getByRole('dialog', { name: 'Resume tenant globex?' }).getByRole('button', { name: 'Resume' }).click();
    await notice(page, 'Tenant globex resumed.');
    await expect(stateOf('globex')).resolves.toBe('active');
  });

  it("rotates a tenant's signing keys from its row", async () => {
    const { page } = operator;
    const before = await currentKids(tenants.globex!._id);
    await page.getByRole('button', { name: 'Rotate signing keys of globex', exact: true }).click();
    await page.getByRole('dialog', { name: 'Rotate the signing keys of globex?' }).getByRole('button', { name: 'Rotate signing keys' }).click();
    await notice(page, 'The signing keys of globex were rotated.');
    const after = await currentKids(tenants.globex!._id);
    expect(after).toHaveLength(before.length);
    expect(after.filter((kid) => before.includes(kid))).toEqual([]);
  });

  it('break-glass: says what it means before sending, and shows the refusal while the tenant still has an admin', async () => {
    const { page } = operator;
    await page.getByRole('button', { name: 'Invite administrator into initech', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a new administrator into initech?' });
    await expect(dialog.textContent()).resolves.toContain("You, an operator, enrol a person into initech, a customer's tenant");
    await dialog.getByLabel('Email address').fill('rescuer@initech.test');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.getByText('initech still has an active administrator, so no invitation was sent.').waitFor();
    await expect(invitationsOf('initech')).resolves.toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it("break-glass: sends an admin invitation into a tenant without admins, with the API's warnings", async () => {
    const { page } = operator;
    await page.getByRole('button', { name: 'Invite administrator into hooli', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a new administrator into hooli?' });
    await dialog.getByLabel('Email address').fill('rescuer@hooli.test');
    await dialog.getByLabel('Language of the invitation').selectOption('da');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await notice(page, 'Invitation into hooli sent');
    await page.getByRole('status').filter({ hasText: 'You, an operator, sent a tenant_admin invitation into hooli' }).waitFor();
    await expect(invitationsOf('hooli').then((items) => items.map((i) => [i.email, i.locale, i.roles]))).resolves.toEqual([['rescuer@hooli.test', 'da', ['tenant_admin']]]);
  });

  it('terminates a tenant only after its slug is typed, and hands over the export and its key once', async () => {
    const { page } = operator;
    await page.getByRole('button', { name: 'Terminate umbrella', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Terminate tenant umbrella?' });
    await expect(dialog.textContent()).resolves.toContain('every personal datum of the tenant is destroyed');
    await dialog.getByLabel('Type umbrella to confirm').fill('umbrela');
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    await dialog.getByText('Type exactly umbrella.').waitFor();
    await expect(stateOf('umbrella')).resolves.toBe('active');

    await dialog.getByLabel('Type umbrella to confirm').fill('umbrella');
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    const handover = page.getByRole('region', { name: 'Tenant umbrella terminated.' });
    await handover.waitFor();
    await expect(handover.textContent()).resolves.toContain('The export key is shown only in this answer');
    const key = await handover.getByTestId('export-key').textContent();
    const file = await handover.locator('dd code').first().textContent();
    expect(key).toMatch(/\S{20,}/);
    expect(file?.startsWith(world.idp.config.backupDir)).toBe(true);
    expect(existsSync(file!)).toBe(true);
    await expect(stateOf('umbrella')).resolves.toBe('gone');

    await operator.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await handover.getByRole('button', { name: 'Copy key' }).click();
    await notice(page, 'Key copied.');
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(key);

    await handover.getByRole('button', { name: 'I have saved the key; close' }).click();
    await handover.waitFor({ state: 'detached' });
    await expect(page.getByText(key!).count()).resolves.toBe(0);
  });

  it("rotates the platform's own signing keys from its row of the tenants", async () => {
    const { page } = operator;
    const platformId = (await world.idp.services.tenants.getBySlug('platform'))._id;
    const before = await currentKids(platformId);
    await page.getByRole('button', { name: 'Rotate signing keys of platform', exact: true }).click();
    await page.getByRole('dialog', { name: 'Rotate the signing keys of platform?' }).getByRole('button', { name: 'Rotate signing keys' }).click();
    await notice(page, 'The signing keys of platform were rotated.');
    const after = await currentKids(platformId);
    expect(after).toHaveLength(before.length);
    expect(after.filter((kid) => before.includes(kid))).toEqual([]);
  });

  it("shows the platform's change log on the general Change log page to its auditor, filters it and verifies its chain", async () => {
    const { page } = operator;
    await page.getByRole('navigation').getByRole('link', { name: 'Change log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Change log' }).waitFor();
    const rows = page.getByRole('row');
    await rows.filter({ hasText: 'tenant.admin_invited' }).first().waitFor();
    await page.getByLabel('Action', { exact: true }).fill('tenant.terminated');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await rows.filter({ hasText: 'tenant.admin_invited' }).first().waitFor({ state: 'detached' });
    await expect(rows.filter({ hasText: 'tenant.terminated' }).count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByRole('status').filter({ hasText: 'The chain is intact' }).waitFor();
    expect(operator.problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
  });

  it("shows a tenant's own admin no operator page, even at its address", async () => {
    const ian = await signInToConsole(world, 'initech', 'ian@initech.test', 'en', 'tenants');
    try {
      await ian.page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      const nav = await ian.page.getByRole('navigation').textContent();
      expect(nav).toContain('Overview');
      expect(nav).not.toMatch(/Tenants|Platform/);
    } finally {
      await ian.context.close();
    }
  });

  it("shows a platform auditor who is no operator the platform's change log, but not the tenants", async () => {
    const platform = await world.idp.services.tenants.getBySlug('platform');
    const { email } = await createPerson(world.idp, platform, 'paula', ['auditor']);
    const paula = await signInToConsole(world, 'platform', email, 'en', 'tenants');
    try {
      await paula.page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      await expect(paula.page.getByRole('navigation').getByRole('link').allTextContents()).resolves.toEqual(['Overview', 'Access events', 'Change log']);
    } finally {
      await paula.context.close();
    }
  });

  it.each(['en', 'da'])('has no serious accessibility violations on each page in %s, kept as screenshots', async (locale) => {
    const session = locale === 'en' ? operator : await signInToConsole(world, 'platform', 'olga@platform.test', locale);
    const { page } = session;
    const found: Record<string, string[]> = {};
    for (const name of ['tenants']) {
      await page.goto(consoleUrl(world.idp, 'platform', name));
      await page.locator('main table').first().waitFor();
      found[name] = await seriousAccessibilityViolations(page);
      await consoleScreenshot(page, name, locale);
    }
    expect(found).toEqual({ tenants: [] });
    // At 390 px nothing is wider than the screen but the tables, which scroll in their own boxes.
    await page.setViewportSize({ width: 390, height: 844 });
    const widths: Record<string, unknown> = {};
    for (const name of ['tenants']) {
      await page.goto(consoleUrl(world.idp, 'platform', name));
      await page.locator('main table').first().waitFor();
      widths[name] = await page.evaluate('document.documentElement.scrollWidth');
      await consoleScreenshot(page, `${name}-narrow`, locale);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    if (locale !== 'en') await session.context.close();
    expect(widths).toEqual({ tenants: 390 });
  });
});
