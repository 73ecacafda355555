import { readFileSync } from 'node:fs';
import { CHANGE_LOG_EXPORT_WARNING } from '../../src/admin-api/routes/change-log.routes.js';
import { claimsOf } from '../../src/tenants/resource-server.service.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { isCspOrScriptProblem } from '../support/browser-driver.js';
import { asSetup } from '../support/fixtures.js';
import {
  consoleScreenshot,
  consoleUrl,
  createPerson,
  holdReads,
  seriousAccessibilityViolations,
  signInToConsole,
  startConsoleWorld,
  type ConsoleSession,
  type ConsoleWorld,
} from './console-harness.js';

/** The change log, apps, signing keys, resource servers and settings pages as a tenant admin and an auditor use them. */
describe('the configuration pages of the console', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let admin: ConsoleSession;
  let adminEmail: string;
  let auditorEmail: string;
  let subjectId: string;

  beforeAll(async () => {
    world = await startConsoleWorld();
    tenant = await asSetup(() => world.idp.services.tenants.create({ slug: 'initech', name: 'Initech' }));
    adminEmail = (await createPerson(world.idp, tenant, 'bill', ['tenant_admin'])).email;
    auditorEmail = (await createPerson(world.idp, tenant, 'audrey', ['auditor'])).email;
    // More entries than one page of the change log (50) holds.
    for (let i = 0; i < 52; i++) {
      const user = await asSetup(() => world.idp.services.users.create(tenant, { email: `worker${i}@initech.test`, name: `Worker ${i}` }));
      if (i === 7) subjectId = user.id;
    }
    await asSetup(() => world.idp.services.users.update(tenant, subjectId, { name: 'Milton' }));
    admin = await signInToConsole(world, 'initech', adminEmail, 'en', 'change-log');
    await admin.page.getByRole('table').waitFor();
  }, 90_000);
  afterAll(() => world?.close());

  const services = () => world.idp.services;
  const tokenEndpoint = async () => {
    const discovery = (await (await fetch(`${world.idp.publicUrl}/t/initech/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    return discovery.token_endpoint;
  };
  /** What the token endpoint answers this app's id and secret (client credentials, HTTP Basic). */
  const clientCredentials = async (clientId: string, secret: string) => {
    const res = await fetch(await tokenEndpoint(), {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string } };
  };

  describe('change log', () => {
    it('pages through every entry with "Show more" and filters by subject', async () => {
      const { page } = admin;
      const rows = page.getByRole('table').locator('tbody tr');
      await expect(rows.count()).resolves.toBe(50);
      const total = (await services().changeLog.verify(tenant._id)).checked;
      expect(total).toBeGreaterThan(50);
      await page.getByRole('button', { name: 'Show more' }).click();
      await page.getByRole('status').filter({ hasText: `${total} entries shown.` }).waitFor();
      await expect(rows.count()).resolves.toBe(total);
      await expect(page.getByRole('button', { name: 'Show more' }).count()).resolves.toBe(0);

      await page.getByLabel('Subject id').fill(subjectId);
      await page.getByRole('button', { name: 'Apply filter' }).click();
      await page.getByRole('status').filter({ hasText: '2 entries shown.' }).waitFor();
      const subjects = await page.getByRole('table').locator('tbody tr td:nth-child(5)').allTextContents();
      expect(subjects).toEqual([`user ${subjectId}`, `user ${subjectId}`]);
      await expect(page.getByRole('table').locator('tbody tr td:nth-child(6)').first().textContent()).resolves.toBe('name');
    });

    it('warns about personal data before exporting the filtered entries as CSV, downloads them and shows the API warning after', async () => {
      const { page } = admin;
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const dialog = page.getByRole('dialog', { name: 'Download the change log as CSV?' });
      await expect(dialog.textContent()).resolves.toContain('The file holds personal data');
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download' }).click()]);
      expect(download.suggestedFilename()).toBe('change-log-initech.csv');
      const lines = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
      expect(lines[0]).toContain('seq');
      // The header, the two entries about the filtered subject, and the signed checkpoint of the whole chain.
      expect(lines).toHaveLength(4);
      expect(lines.slice(1, 3).every((line) => line.includes(subjectId))).toBe(true);
      expect(lines[3]).toContain(',change-log.checkpoint,');
      await page.getByRole('status').filter({ hasText: CHANGE_LOG_EXPORT_WARNING }).waitFor();
      await page.getByRole('status').filter({ hasText: 'change-log-initech.csv downloaded.' }).waitFor();
    });

    it('exports NDJSON with every entry once the filter is cleared', async () => {
      const { page } = admin;
      await page.getByRole('button', { name: 'Clear filter' }).click();
      await page.getByRole('button', { name: 'Export NDJSON' }).click();
      const dialog = page.getByRole('dialog', { name: 'Download the change log as NDJSON?' });
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download' }).click()]);
      const entries = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { seq?: number; checkpoint?: { seq: number } });
      const { checkpoint } = entries.pop()!;
      expect(entries).toHaveLength((await services().changeLog.verify(tenant._id)).checked);
      expect(checkpoint?.seq).toBe(entries.at(-1)!.seq);
      expect(admin.problems.filter(isCspOrScriptProblem)).toEqual([]);
    });

    it('lets an auditor verify the chain in one click, and names the first broken entry once one was altered in the database', async () => {
      const auditor = await signInToConsole(world, 'initech', auditorEmail, 'en', 'change-log');
      const { page } = auditor;
      await expect(page.getByRole('navigation').getByRole('link').allTextContents()).resolves.toEqual(['Overview', 'Access events', 'Change log']);
      await page.getByRole('button', { name: 'Verify chain' }).click();
      const checked = (await services().changeLog.verify(tenant._id)).checked;
      await page.getByRole('status').filter({ hasText: `The chain is intact: ${checked} entries checked.` }).waitFor();

      const victim = (await services().changeLog.list(tenant._id, { subjectId }, { limit: 1 })).items[0]!;
      await world.idp.db.models.changeLog.collection.updateOne({ tenantId: tenant._id, seq: victim.seq }, { $set: { fields: ['email'] } });
      await page.getByRole('button', { name: 'Verify chain' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toBe(
        `The chain is broken at entry ${victim.seq} (its content was changed). ${victim.seq - 1} entries before it are intact; entries from ${victim.seq} on cannot be trusted.`,
      );
      await expect(services().changeLog.verify(tenant._id)).resolves.toMatchObject({ ok: false, firstBroken: { seq: victim.seq } });
      // The fields' own document is restored, so the rest of the file runs against an intact chain again.
      await world.idp.db.models.changeLog.collection.updateOne({ tenantId: tenant._id, seq: victim.seq }, { $set: { fields: victim.fields } });
      await expect(services().changeLog.verify(tenant._id).then((r) => r.ok)).resolves.toBe(true);

      // Apps and keys are tenant admins' only: not in the auditor's navigation, and not found at their address.
      await page.goto(consoleUrl(world.idp, 'initech', 'apps'));
      await expect(page.locator('main h1').textContent()).resolves.toBe('Page not found');
      await expect(page.getByRole('button', { name: 'Create app' }).count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: 'Rotate keys' }).count()).resolves.toBe(0);
      await auditor.context.close();
    });
  });

  describe('apps', () => {
    let clientId: string;
    let secret: string;
    const secretField = () => admin.page.getByLabel('Client secret');

    beforeAll(async () => {
      await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.idp.publicUrl });
      await admin.page.getByRole('navigation').getByRole('link', { name: 'Apps' }).click();
      await admin.page.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();
      await admin.page.getByText('No apps yet.').waitFor();
    });

    it("shows the API's refusal of a redirect URI at the field", async () => {
      const { page } = admin;
      await page.getByLabel('Name', { exact: true }).fill('Broken');
      await page.getByLabel('Redirect URIs', { exact: true }).fill('http://broken.example/cb');
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.locator('.field-error').filter({ hasText: 'must use https' }).waitFor();
      await expect(page.getByLabel('Redirect URIs', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(services().clients.list(tenant._id, { limit: 10 }).then((p) => p.items.length)).resolves.toBe(0);
    });

    it('creates a confidential app and shows its secret once, which works at the token endpoint', async () => {
      const { page } = admin;
      await page.getByLabel('Name', { exact: true }).fill('Payroll sync');
      await page.getByLabel('Redirect URIs', { exact: true }).fill('');
      await page.getByRole('checkbox', { name: 'Authorization code (people sign in)' }).uncheck();
      await page.getByRole('checkbox', { name: 'Client credentials (the app acts as itself)' }).check();
      await page.getByRole('checkbox', { name: 'openid' }).uncheck();
      await page.getByRole('checkbox', { name: 'profile' }).uncheck();
      await page.getByRole('checkbox', { name: 'email' }).uncheck();
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.getByRole('status').filter({ hasText: 'App Payroll sync created.' }).waitFor();
      await expect(page.getByRole('region', { name: 'Secret of Payroll sync' }).textContent()).resolves.toContain('it will not be shown again');
      secret = await secretField().inputValue();
      const [app] = (await services().clients.list(tenant._id, { limit: 10 })).items;
      clientId = app!.clientId;
      expect(app!.metadata).toMatchObject({ client_name: 'Payroll sync', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });

      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByRole('status').filter({ hasText: 'Copied to the clipboard.' }).waitFor();
      await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(secret);
      await expect(clientCredentials(clientId, secret)).resolves.toMatchObject({ status: 200, body: { access_token: expect.any(String) } });

      await page.getByRole('button', { name: 'I have stored the secret' }).click();
      await expect(secretField().count()).resolves.toBe(0);
      await page.reload();
      await page.getByRole('rowheader', { name: /Payroll sync/ }).waitFor();
      await expect(secretField().count()).resolves.toBe(0);
    });

    it('replaces the secret after confirmation: the new one is shown once and works, the old one no longer does', async () => {
      const { page } = admin;
      await page.getByRole('button', { name: 'New secret for Payroll sync' }).click();
      const dialog = page.getByRole('dialog', { name: 'Replace the secret of Payroll sync?' });
      await expect(dialog.textContent()).resolves.toContain('The current secret stops working now.');
      await dialog.getByRole('button', { name: 'New secret' }).click();
      await page.getByRole('region', { name: 'Secret of Payroll sync' }).waitFor();
      const renewed = await secretField().inputValue();
      expect(renewed).not.toBe(secret);
      await expect(clientCredentials(clientId, renewed)).resolves.toMatchObject({ status: 200 });
      await expect(clientCredentials(clientId, secret)).resolves.toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      await page.getByRole('button', { name: 'I have stored the secret' }).click();
    });

    it("creates a public app without a secret and changes its redirect URIs in place", async () => {
      const { page } = admin;
      await page.getByLabel('Name', { exact: true }).fill('Door app');
      await page.getByRole('radio', { name: /Public/ }).check();
      await page.getByLabel('Redirect URIs', { exact: true }).fill('https://doors.initech.test/cb');
      await page.getByLabel('Post-logout redirect URIs', { exact: true }).fill('https://doors.initech.test/');
      await page.getByRole('checkbox', { name: 'Client credentials (the app acts as itself)' }).uncheck();
      await page.getByRole('checkbox', { name: 'Authorization code (people sign in)' }).check();
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.getByRole('status').filter({ hasText: 'App Door app created.' }).waitFor();
      await expect(secretField().count()).resolves.toBe(0);
      await page.getByRole('rowheader', { name: /Door app/ }).waitFor();
      await expect(page.getByRole('button', { name: 'New secret for Door app' }).count()).resolves.toBe(0);
      const doorApp = (await services().clients.list(tenant._id, { limit: 10 })).items.find((c) => c.metadata.client_name === 'Door app')!;
      expect(doorApp.metadata).toMatchObject({ token_endpoint_auth_method: 'none', redirect_uris: ['https://doors.initech.test/cb'] });

      await page.getByRole('button', { name: 'Edit redirect URIs of Door app' }).click();
      const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Door app/ }) });
      await row.getByLabel('Redirect URIs', { exact: true }).fill('https://doors.initech.test/cb\nhttps://m.doors.initech.test/cb');
      // With the list's reload held back, the row shows the URIs as the API answered the change.
      const reads = await holdReads(page, '/clients');
      try {
        await row.getByRole('button', { name: 'Save' }).click();
        await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
        await row.getByText('https://m.doors.initech.test/cb').waitFor();
      } finally {
        await reads.end();
      }
      await expect(services().clients.get(tenant._id, doorApp.clientId).then((c) => c.metadata.redirect_uris)).resolves.toEqual([
        'https://doors.initech.test/cb',
        'https://m.doors.initech.test/cb',
      ]);
    });

    it('deletes an app only after the person has read that its grants and tokens end', async () => {
      const { page } = admin;
      await page.getByRole('button', { name: 'Delete Payroll sync' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete app Payroll sync?' });
      await expect(dialog.textContent()).resolves.toContain('Its grants and tokens end now');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect(services().clients.get(tenant._id, clientId).then((c) => c.clientId)).resolves.toBe(clientId);

      await page.getByRole('button', { name: 'Delete Payroll sync' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('status').filter({ hasText: 'App Payroll sync deleted.' }).waitFor();
      await page.getByRole('rowheader', { name: /Payroll sync/ }).waitFor({ state: 'detached' });
      await expect(services().clients.get(tenant._id, clientId)).rejects.toMatchObject({ status: 404 });
      await expect(clientCredentials(clientId, 'any')).resolves.toMatchObject({ status: 401 });
      expect(admin.problems.filter(isCspOrScriptProblem)).toEqual([]);
    });
  });

  describe('signing keys', () => {
    it('lists the keys and rotates them after saying that tokens signed with the old key keep verifying', async () => {
      const { page } = admin;
      await page.getByRole('navigation').getByRole('link', { name: 'Signing keys' }).click();
      await page.getByRole('heading', { level: 1, name: 'Signing keys' }).waitFor();
      const before = await services().signingKeys.list(tenant._id);
      const current = before.filter((k) => k.status === 'current').map((k) => k.kid);
      const next = before.filter((k) => k.status === 'next').map((k) => k.kid);
      expect(current.length).toBeGreaterThan(0);
      for (const kid of current) await expect(page.getByRole('row', { name: new RegExp(kid) }).textContent()).resolves.toContain('Current: signs now');

      await page.getByRole('button', { name: 'Rotate keys' }).click();
      const dialog = page.getByRole('dialog', { name: 'Rotate the signing keys?' });
      await expect(dialog.textContent()).resolves.toContain('so those tokens keep verifying; nobody is signed out');
      await dialog.getByRole('button', { name: 'Rotate keys' }).click();
      await page.getByRole('status').filter({ hasText: 'Keys rotated.' }).waitFor();

      const after = await services().signingKeys.list(tenant._id);
      const status = (kid: string) => after.find((k) => k.kid === kid)?.status;
      expect(current.map(status)).toEqual(current.map(() => 'retired'));
      expect(next.map(status)).toEqual(next.map(() => 'current'));
      for (const kid of current) await page.getByRole('row', { name: new RegExp(kid) }).filter({ hasText: 'Retired: verifies only' }).waitFor();
    });
  });

  describe('resource servers', () => {
    const resources = () => services().resourceServers.list(tenant._id);

    beforeAll(async () => {
      await admin.page.getByRole('navigation').getByRole('link', { name: 'Resource servers' }).click();
      await admin.page.getByRole('heading', { level: 1, name: 'Resource servers' }).waitFor();
    });

    it("shows the API's refusal of an identifier at the field, then registers a resource server", async () => {
      const { page } = admin;
      await page.getByLabel('Identifier').fill('http://locks.initech.test');
      await page.getByLabel('Name', { exact: true }).fill('Lock API');
      await page.getByRole('button', { name: 'Create resource server' }).click();
      await page.locator('.field-error').filter({ hasText: 'an absolute https:// URI or a urn:' }).waitFor();
      await expect(page.getByLabel('Identifier').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(resources()).resolves.toEqual([]);

      await page.getByLabel('Identifier').fill('https://locks.initech.test');
      await page.getByLabel('Scopes').fill('locks:open\nlocks:read');
      await page.getByLabel('Access token lifetime (seconds)').fill('900');
      await page.getByRole('checkbox', { name: "The person's door permissions" }).check();
      await page.getByRole('button', { name: 'Create resource server' }).click();
      await page.getByRole('status').filter({ hasText: 'Resource server Lock API created.' }).waitFor();
      await page.getByRole('rowheader', { name: /Lock API/ }).waitFor();
      await expect(resources()).resolves.toMatchObject([
        { indicator: 'https://locks.initech.test', name: 'Lock API', scopes: ['locks:open', 'locks:read'], accessTokenTtl: 900 },
      ]);
    });

    it('changes a resource server: its lifetime and the claims its tokens carry', async () => {
      const { page } = admin;
      await page.getByRole('button', { name: 'Edit Lock API' }).click();
      const form = page.getByRole('form', { name: 'Edit Lock API' });
      await form.getByLabel('Access token lifetime (seconds)').fill('1200');
      await form.getByRole('checkbox', { name: "The person's roles" }).check();
      // With the list's reload held back, the row shows the new claims as the API answered the change.
      const reads = await holdReads(page, '/resource-servers');
      try {
        await form.getByRole('button', { name: 'Save' }).click();
        await page.getByRole('status').filter({ hasText: 'Resource server Lock API saved.' }).waitFor();
        await page.getByRole('row', { name: /Lock API/ }).filter({ hasText: "The person's roles, The person's door permissions" }).waitFor();
      } finally {
        await reads.end();
      }
      const [saved] = await resources();
      expect(saved).toMatchObject({ indicator: 'https://locks.initech.test', accessTokenTtl: 1200 });
      expect(claimsOf(saved!)).toEqual(['roles', 'door_permissions']);
    });

    it('deletes a resource server only after the person has read that no new tokens are issued for it', async () => {
      const { page } = admin;
      await page.getByRole('button', { name: 'Delete Lock API' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete resource server Lock API?' });
      await expect(dialog.textContent()).resolves.toContain('Apps can no longer get access tokens for it.');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect(resources().then((list) => list.length)).resolves.toBe(1);
      await page.getByRole('button', { name: 'Delete Lock API' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('status').filter({ hasText: 'Resource server Lock API deleted.' }).waitFor();
      await expect(resources()).resolves.toEqual([]);
      expect(admin.problems.filter(isCspOrScriptProblem)).toEqual([]);
    });
  });

  describe('settings', () => {
    /** A 1×1 PNG. */
    const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
    const stored = async () => (await services().tenants.findBySlug('initech'))!;

    beforeAll(async () => {
      await admin.page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
      await admin.page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await admin.page.getByLabel('Display name').waitFor();
    });

    it("shows the API's refusals at their fields and saves nothing", async () => {
      const { page } = admin;
      await page.getByLabel('Minimum password length').fill('4');
      await page.getByLabel('Primary colour').fill('#ffff00');
      const languages = page.getByRole('group', { name: 'Enabled languages' });
      for (const box of await languages.getByRole('checkbox').all()) await box.uncheck();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.locator('.field-error').filter({ hasText: 'choose a darker colour' }).waitFor();
      await expect(page.getByLabel('Primary colour').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.getByLabel('Minimum password length').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(languages.locator('.field-error').count()).resolves.toBe(1);
      // The errors are tied to their fields in a way assistive technology accepts.
      await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
      for (const box of await languages.getByRole('checkbox').all()) await box.check();
      const tenantNow = await stored();
      expect([tenantNow.settings.passwordMinLength ?? 12, tenantNow.settings.primaryColor ?? null]).toEqual([12, null]);
    });

    it('saves the fields that changed', async () => {
      const { page } = admin;
      await page.getByLabel('Display name').fill('Initech Doors');
      await page.getByLabel('Minimum password length').fill('14');
      await page.getByLabel('Primary colour').fill('#0b5394');
      await page.getByRole('checkbox', { name: 'German (Deutsch)' }).uncheck();
      await page.getByLabel('Default language').selectOption('da');
      await page.getByLabel('Session lifetime').fill('86400');
      await page.getByLabel('Refresh token reuse interval').fill('5');
      // After saving, the page reloads the settings and resets its form from them: the next test edits only after that.
      const reloaded = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname.endsWith('/tenants/initech/settings'));
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await (await reloaded).finished();
      const { name, settings } = await stored();
      expect({ name, ...settings }).toMatchObject({ name: 'Initech Doors', passwordMinLength: 14, primaryColor: '#0b5394', locales: ['en', 'da', 'sv'], defaultLocale: 'da', sessionTtl: 86_400, refreshTokenReuseInterval: 5 });
      await expect(page.locator('.field-error').count()).resolves.toBe(0);
    });

    it("asks before a shorter retention deletes data sooner, and shows the API's warnings after", async () => {
      const { page } = admin;
      await page.getByLabel('Keep change-log entries for').fill('365');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete personal data sooner?' });
      await expect(dialog.textContent()).resolves.toContain('Change-log entries older than 365 days (until now 730) are deleted at the next retention run');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect(stored().then((t) => t.settings.changeLogRetentionDays)).resolves.toBe(730);

      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Save and delete sooner' }).click();
      await page.getByRole('status').filter({ hasText: 'Change-log entries older than 365 days will be deleted at the next retention run' }).waitFor();
      await expect(stored().then((t) => t.settings.changeLogRetentionDays)).resolves.toBe(365);
    });

    it('offers how long access events are kept, with its bounds, what it does and the default, and asks before shortening it', async () => {
      const { page } = admin;
      const field = page.getByLabel('Keep access events for');
      await expect(field.inputValue()).resolves.toBe('365');
      const hint = await page.locator(`[id="${await field.getAttribute('aria-describedby')}"]`).textContent();
      expect(hint).toContain('Who came through which door and when');
      expect(hint).toContain('Default 365 days (12 months)');
      expect(hint).toContain('In days, from 7 to');
      const save = async () => {
        const reloaded = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname.endsWith('/tenants/initech/settings'));
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        return reloaded;
      };

      await field.fill('3');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Save and delete sooner' }).click();
      await page.locator('.field-error').filter({ hasText: /7/ }).waitFor();
      await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');

      await field.fill('400');
      await (await save()).finished();
      await page.getByRole('status').filter({ hasText: 'longer than the default 12 months' }).waitFor();
      await expect(stored().then((t) => t.settings.accessEventRetentionDays)).resolves.toBe(400);

      await field.fill('90');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete personal data sooner?' });
      await expect(dialog.textContent()).resolves.toContain('Access events older than 90 days (until now 400) are deleted at the next run');
      await dialog.getByRole('button', { name: 'Save and delete sooner' }).click();
      await page.getByRole('status').filter({ hasText: 'Access events older than 90 days will be deleted at the next run' }).waitFor();
      await expect(stored().then((t) => t.settings.accessEventRetentionDays)).resolves.toBe(90);
    });

    it('uploads a logo within the limits it shows, refuses a file that is not the image it claims, and removes the logo', async () => {
      const { page } = admin;
      await expect(page.getByText('PNG, JPEG or WebP, at most 256 KiB.').count()).resolves.toBe(1);
      await page.getByLabel('Logo file').setInputFiles({ name: 'evil.png', mimeType: 'image/png', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>') });
      await page.getByRole('button', { name: 'Upload logo' }).click();
      await page.locator('.field-error').filter({ hasText: 'not a PNG image' }).waitFor();
      await page.getByLabel('Logo file').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>') });
      await page.getByRole('button', { name: 'Upload logo' }).click();
      await page.locator('.field-error').filter({ hasText: 'SVG is refused because it can carry script' }).waitFor();
      await expect(stored().then((t) => t.settings.logo ?? null)).resolves.toBeNull();

      await page.getByLabel('Logo file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
      await page.getByRole('button', { name: 'Upload logo' }).click();
      const logo = page.getByRole('img', { name: 'The current logo' });
      await logo.waitFor();
      // Decoded, so loaded from our origin under the console's CSP (img-src 'self').
      await expect(page.evaluate("(async () => { const img = document.querySelector('main img'); await img.decode(); return img.naturalWidth; })()")).resolves.toBe(1);
      await expect(stored().then((t) => t.settings.logo?.size)).resolves.toBe(PNG.length);

      await page.getByRole('button', { name: 'Remove logo' }).click();
      await page.getByText('No logo: the sign-in pages show the first letter of the display name.').waitFor();
      await expect(stored().then((t) => t.settings.logo ?? null)).resolves.toBeNull();
      expect(admin.problems.filter(isCspOrScriptProblem)).toEqual([]);
    });
  });

  describe.each([
    ['en', { changeLog: 'Change log', apps: 'Apps', keys: 'Signing keys', resources: 'Resource servers', settings: 'Settings' }],
    ['da', { changeLog: 'Ændringslog', apps: 'Apps', keys: 'Signeringsnøgler', resources: 'Ressourceservere', settings: 'Indstillinger' }],
  ])('in %s', (locale, names) => {
    it('has no serious accessibility violations on each page, fits 390 px, and is kept as screenshots', async () => {
      const session = locale === 'en' ? admin : await signInToConsole(world, 'initech', adminEmail, locale);
      const { page } = session;
      const pages = [
        ['change-log', names.changeLog, 'table'],
        ['apps', names.apps, 'table'],
        ['keys', names.keys, 'table'],
        ['resource-servers', names.resources, 'form'],
        ['settings', names.settings, 'form'],
      ] as const;
      for (const [name, title, content] of pages) {
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.getByRole('navigation').getByRole('link', { name: title, exact: true }).click();
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
        await page.locator(`main ${content}`).first().waitFor();
        await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
        await consoleScreenshot(page, name, locale);
        await page.setViewportSize({ width: 390, height: 844 });
        await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
        await consoleScreenshot(page, `${name}-narrow`, locale);
      }
      expect(session.problems.filter(isCspOrScriptProblem)).toEqual([]);
    });
  });
});
