import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { asSetup } from '../support/fixtures.js';
import {
  consoleScreenshot,
  createPerson,
  holdReads,
  seriousAccessibilityViolations,
  signInToConsole,
  startConsoleWorld,
  type ConsoleSession,
  type ConsoleWorld,
} from './console-harness.js';

/**
 * The Company directory page as a tenant admin sets up sign-in with the company's identity provider and SCIM
 * provisioning, with no call of their own: adding a provider (its secret never shown back, the callback URL to
 * register), changing its role rules, removing it; erasing on a SCIM DELETE, after the warning; and a
 * provisioning account whose credentials, shown once, get a token that the SCIM endpoint takes.
 */
describe('the Company directory page of the console', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let admin: ConsoleSession;
  let ada: { email: string };
  const secret = 'upstream-Secret-4b9f2c71e0';
  const providers = () => world.idp.services.upstreamIdps.list(tenant._id);

  beforeAll(async () => {
    world = await startConsoleWorld();
    tenant = await asSetup(() => world.idp.services.tenants.create({ slug: 'corpco', name: 'Corpco' }));
    await asSetup(() => world.idp.services.roles.create(tenant._id, { name: 'door_admin' }));
    await asSetup(() => world.idp.services.roles.create(tenant._id, { name: 'night_shift' }));
    ada = await createPerson(world.idp, tenant, 'ada', ['tenant_admin']);
    admin = await signInToConsole(world, 'corpco', ada.email, 'en', 'directory');
    await admin.page.getByText('No identity provider yet').waitFor();
    await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.idp.publicUrl });
  }, 60_000);
  afterAll(() => world?.close());

  it('shows the callback URL to register at the provider, with a copy button', async () => {
    const { page } = admin;
    const callback = `${world.idp.publicUrl}/t/corpco/federation/callback`;
    await expect(page.getByRole('textbox', { name: 'Callback URL' }).inputValue()).resolves.toBe(callback);
    await page.getByRole('button', { name: 'Copy Callback URL' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).first().waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(callback);
  });

  it("shows the API's refusal at the field and adds nothing", async () => {
    const form = admin.page.getByRole('form', { name: 'Add identity provider' });
    await form.getByLabel('Name', { exact: true }).fill('Corp');
    await form.getByLabel('Issuer').fill('http://login.corp.example');
    await form.getByLabel('Client id').fill('doorway');
    await form.getByLabel('Client secret').fill(secret);
    await form.getByRole('button', { name: 'Add identity provider' }).click();
    await form.locator('.field-error').filter({ hasText: 'must be an https URL' }).waitFor();
    await expect(providers()).resolves.toEqual([]);
  });

  it('adds a provider with domains, creation at first sign-in and a role rule, and never shows its secret back', async () => {
    const { page } = admin;
    const form = page.getByRole('form', { name: 'Add identity provider' });
    await form.getByLabel('Issuer').fill('https://login.corp.example');
    await form.getByLabel('Email domains').fill('corp.example\nCorp-Labs.example');
    await form.getByLabel("Create a user at a person's first sign-in").check();
    const required = form.getByLabel('Only through this provider for these domains');
    await expect(required.isChecked()).resolves.toBe(true);
    await required.uncheck();
    await expect(form.getByRole('radio', { name: /^is refused/ }).isChecked()).resolves.toBe(true);
    await expect(form.getByText('Only for a provider that verifies').count()).resolves.toBe(0);
    await form.getByRole('radio', { name: /^links them to that user/ }).check();
    await form.getByText(/Only for a provider that verifies that people own the addresses of these domains/).waitFor();
    await form.getByRole('button', { name: 'Add rule' }).click();
    const rule = form.getByRole('group', { name: 'Rule 1' });
    await rule.getByLabel('Claim').fill('groups');
    await rule.getByLabel('Value').fill('Door admins');
    await rule.getByLabel('Role').selectOption('door_admin');
    await form.getByRole('button', { name: 'Add identity provider' }).click();
    await page.getByRole('status').filter({ hasText: 'Corp is added.' }).waitFor();

    const [saved] = await providers();
    expect(saved).toMatchObject({ name: 'Corp', issuer: 'https://login.corp.example', clientId: 'doorway', emailDomains: ['corp.example', 'corp-labs.example'], jitCreate: true });
    expect(saved).toMatchObject({ linkExistingUsers: 'verified_email_in_domains', requireForDomains: false });
    expect(saved?.roleMappings).toEqual([{ claim: 'groups', value: 'Door admins', role: 'door_admin' }]);
    expect(world.idp.services.upstreamIdps.secretOf(saved!)).toBe(secret);
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Corp/ }) });
    await expect(row.textContent()).resolves.toContain('groups = Door admins → door_admin');
    await expect(row.textContent()).resolves.toContain('existing users linked by verified address');
    await expect(row.textContent()).resolves.toContain('a password here is also accepted');
    await expect(form.getByLabel('Client secret').inputValue()).resolves.toBe('');
    await expect(page.content()).resolves.not.toContain(secret);
  });

  it('shows the refusal to empty the domains of a provider that links existing users at the field, and changes nothing', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Edit Corp' }).click();
    const form = page.getByRole('form', { name: 'Change Corp' });
    await expect(form.getByRole('radio', { name: /^links them to that user/ }).isChecked()).resolves.toBe(true);
    await expect(form.getByLabel('Only through this provider for these domains').isChecked()).resolves.toBe(false);
    await form.getByLabel('Email domains').fill('');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.locator('.field-error').filter({ hasText: 'cannot be empty while link_existing_users is on' }).waitFor();
    await form.getByRole('group', { name: "A person's first sign-in, when a user with their address exists" }).getByText('needs email_domains').waitFor();
    await expect(providers().then(([p]) => p?.emailDomains)).resolves.toEqual(['corp.example', 'corp-labs.example']);
    // Linking off, then the provider is required for its domains again: both saved.
    await form.getByRole('radio', { name: /^is refused/ }).check();
    await form.getByLabel('Email domains').fill('corp.example');
    await form.getByLabel('Only through this provider for these domains').check();
    // The list's reload is held back: the provider opened again at once is the one saved, not the one before.
    const reads = await holdReads(page, '/upstream-idps');
    try {
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Edit Corp' }).click();
      await expect(form.getByLabel('Email domains').inputValue()).resolves.toBe('corp.example');
      await expect(form.getByRole('radio', { name: /^is refused/ }).isChecked()).resolves.toBe(true);
      await expect(form.getByLabel('Only through this provider for these domains').isChecked()).resolves.toBe(true);
    } finally {
      await reads.end();
    }
    await form.getByRole('button', { name: 'Cancel' }).click();
    await expect(providers().then(([p]) => [p?.emailDomains, p?.linkExistingUsers, p?.requireForDomains])).resolves.toEqual([['corp.example'], 'never', true]);
  });

  it('changes the role rules without touching the secret, and replaces the secret only when asked', async () => {
    const { page } = admin;
    const before = (await providers())[0]!;
    await page.getByRole('button', { name: 'Edit Corp' }).click();
    const form = page.getByRole('form', { name: 'Change Corp' });
    await expect(form.getByLabel('Client secret').count()).resolves.toBe(0);
    await expect(form.textContent()).resolves.toContain('The client secret is stored and is not shown');
    await form.getByRole('group', { name: 'Rule 1' }).getByLabel('Role').selectOption('night_shift');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const second = form.getByRole('group', { name: 'Rule 2' });
    await second.getByLabel('Claim').fill('department');
    await second.getByLabel('Value').fill('Security');
    await second.getByLabel('Role').selectOption('door_admin');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Corp is saved.' }).waitFor();
    let [saved] = await providers();
    expect(saved?.roleMappings).toEqual([
      { claim: 'groups', value: 'Door admins', role: 'night_shift' },
      { claim: 'department', value: 'Security', role: 'door_admin' },
    ]);
    expect(saved?.sealedSecret).toBe(before.sealedSecret);

    await page.getByRole('button', { name: 'Edit Corp' }).click();
    await form.getByRole('button', { name: 'Replace secret' }).click();
    await form.getByLabel('Client secret').fill('replaced-Secret-77');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    [saved] = await providers();
    expect(world.idp.services.upstreamIdps.secretOf(saved!)).toBe('replaced-Secret-77');
    await expect(page.content()).resolves.not.toContain('replaced-Secret-77');
  });

  it('removes a provider only after saying what removing means', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Delete Corp' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove the identity provider Corp?' });
    await expect(dialog.textContent()).resolves.toContain('The users who signed in through it stay');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(providers().then((p) => p.length)).resolves.toBe(1);
    await page.getByRole('button', { name: 'Delete Corp' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Corp is removed.' }).waitFor();
    await page.getByText('No identity provider yet').waitFor();
    await expect(providers()).resolves.toEqual([]);
  });

  it('warns before a SCIM DELETE erases people, and saves that choice with the API’s warning', async () => {
    const { page } = admin;
    const form = page.getByRole('form', { name: 'When the directory removes a person' });
    await expect(form.getByRole('radio', { name: /^locks them/ }).isChecked()).resolves.toBe(true);
    await expect(form.getByText('Erasing cannot be undone').count()).resolves.toBe(0);
    await form.getByRole('radio', { name: 'erases them at once' }).check();
    await form.getByText(/Erasing cannot be undone: the user's record, sessions, grants and second factors are gone/).waitFor();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'A SCIM DELETE will now erase the user at once' }).waitFor();
    const stored = await world.idp.services.tenants.getBySlug('corpco');
    expect(stored?.settings.scimDeprovisioning).toBe('erase');
  });

  it('creates a provisioning account, shows its credentials once, and they get a token the SCIM endpoint takes', async () => {
    const { page } = admin;
    const base = await page.getByRole('textbox', { name: 'SCIM base URL' }).inputValue();
    expect(base).toBe(`${world.idp.publicUrl}/t/corpco/scim/v2`);
    await page.getByRole('form', { name: 'Create provisioning account' }).getByRole('button', { name: 'Create provisioning account' }).click();
    await page.getByRole('status').filter({ hasText: 'The scim_provisioner role lets this service account' }).waitFor();
    const clientId = (await page.getByTestId('scim-client-id').textContent())!;
    const shown = page.getByRole('region', { name: 'Client secret of HR directory' });
    const clientSecret = await shown.getByRole('textbox', { name: 'Client secret' }).inputValue();
    const facts = await page.locator('.credential-list').innerText();
    const tokenEndpoint = `${world.idp.publicUrl}/t/corpco/token`;
    const resource = `${world.idp.publicUrl}/admin/api`;
    expect(facts).toContain(tokenEndpoint);
    expect(facts).toContain(resource);
    const apps = await world.idp.services.clients.list(tenant._id, { limit: 50 });
    expect(apps.items.find((c) => c.clientId === clientId)?.metadata).toMatchObject({ service_roles: ['scim_provisioner'], grant_types: ['client_credentials'] });

    const issued = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource }),
    });
    expect(issued.status).toBe(200);
    const { access_token } = (await issued.json()) as { access_token: string };
    const users = await fetch(`${base}/Users?filter=${encodeURIComponent(`userName eq "${ada.email}"`)}`, { headers: { authorization: `Bearer ${access_token}`, accept: 'application/scim+json' } });
    expect(users.status).toBe(200);
    await expect(users.json()).resolves.toMatchObject({ totalResults: 1, Resources: [{ userName: ada.email }] });

    await page.getByRole('button', { name: 'I have stored the secret' }).click();
    await shown.waitFor({ state: 'detached' });
    await expect(page.content()).resolves.not.toContain(clientSecret);
    await page.getByText(`(${clientId})`).waitFor();
  });

  it('does not offer a user manager the page, as it is a tenant admin’s', async () => {
    const manager = await createPerson(world.idp, tenant, 'max', ['user_manager']);
    const { page, context } = await signInToConsole(world, 'corpco', manager.email);
    await expect(page.getByRole('navigation').getByRole('link').allTextContents()).resolves.not.toContain('Company directory');
    await context.close();
  });

  it.each([
    ['en', 'Company directory', 'Add rule'],
    ['de', 'Firmenverzeichnis', 'Regel hinzufügen'],
  ])('has no serious accessibility violations in %s, the erase and linking warnings and a rule shown', async (locale, title, addRule) => {
    const { page, problems, context } = await signInToConsole(world, 'corpco', ada.email, locale, 'directory');
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.locator('input[name="scim-deprovisioning"]').nth(1).waitFor();
    await page.getByRole('button', { name: addRule }).click();
    await page.locator('input[name="provider-new-linking"]').nth(1).check();
    await page.locator('#provider-new-link-warning').waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'directory', locale);
    expect(problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
    await context.close();
  });
});
