import { decodeJwt } from 'jose';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminAudience } from '../../src/admin-api/admin-api.js';
import { CONSOLE_CLIENT_ID } from '../../src/clients/console-client.js';
import { projectRoot } from '../../src/project-root.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { isCspOrScriptProblem } from '../support/browser-driver.js';
import { asSetup } from '../support/fixtures.js';
import { consoleScreenshot, consoleUrl, createPerson, seriousAccessibilityViolations, signInToConsole, startConsoleWorld, type ConsoleWorld } from './console-harness.js';

describe('the console shell in a real browser', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  const people = { admin: '', manager: '', auditor: '', employee: '' };
  let adminId: string;

  beforeAll(async () => {
    world = await startConsoleWorld();
    tenant = await asSetup(() => world.idp.services.tenants.create({ slug: 'acme', name: 'Acme Doors' }));
    ({ email: people.admin, id: adminId } = await createPerson(world.idp, tenant, 'ada', ['tenant_admin']));
    people.manager = (await createPerson(world.idp, tenant, 'max', ['user_manager'])).email;
    people.auditor = (await createPerson(world.idp, tenant, 'aud', ['auditor'])).email;
    people.employee = (await createPerson(world.idp, tenant, 'eve', ['employee'])).email;
  }, 60_000);
  afterAll(() => world?.close());
  // The admin API as a service account sees it, at PUBLIC_URL (the issuer the tokens must name).
  const publicIdp = () => ({ ...world.idp, baseUrl: world.idp.publicUrl });

  it("signs a tenant admin in without a consent page, shows their tenant's Roles page and creates a role with the admin's own token", async () => {
    const { page, problems, context } = await signInToConsole(world, 'acme', people.admin);
    await expect(page.locator('header .brand-name').textContent()).resolves.toBe('Acme Doors');
    await expect(page.locator('header').textContent()).resolves.toContain('Signed in as ada');
    await page.getByRole('navigation').getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('heading', { level: 1, name: 'Roles' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/t/acme/console/roles');

    await page.getByLabel('Name').fill('door_keeper');
    await page.getByLabel('Description (optional)').fill('Opens the doors in the morning');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/admin/api/v1/tenants/acme/roles')),
      page.getByRole('button', { name: 'Create role' }).click(),
    ]);
    await page.getByRole('status').filter({ hasText: 'Role door_keeper created.' }).waitFor();
    await page.getByRole('rowheader', { name: 'door_keeper' }).waitFor();

    const token = decodeJwt(request.headers().authorization!.replace(/^Bearer /, ''));
    expect({ sub: token.sub, aud: token.aud, client_id: token.client_id }).toEqual({ sub: adminId, aud: adminAudience(world.idp.publicUrl), client_id: CONSOLE_CLIENT_ID });
    const call = adminClient(publicIdp());
    const role = await call('GET', '/tenants/acme/roles/door_keeper', await serviceToken(publicIdp(), tenant, ['tenant_admin']));
    expect(role).toMatchObject({ status: 200, body: { name: 'door_keeper', description: 'Opens the doors in the morning' } });
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
    await context.close();
  });

  it('tells a signed-in person without an admin role that the console is not for them, and lets them sign out', async () => {
    const { page, context } = await signInToConsole(world, 'acme', people.employee);
    await expect(page.locator('main h1').textContent()).resolves.toBe('No access to the console');
    await expect(page.getByRole('navigation').count()).resolves.toBe(0);
    // RP-initiated logout at the tenant's end_session endpoint, which asks the person to confirm.
    await Promise.all([page.waitForURL(/\/t\/acme\/session\/end/), page.getByRole('button', { name: 'Sign out' }).click()]);
    await context.close();
  });

  it("shows a user manager the pages their roles open and not the admins' controls; an auditor no Roles page", async () => {
    const manager = await signInToConsole(world, 'acme', people.manager, 'en', 'roles');
    await manager.page.getByRole('heading', { level: 1, name: 'Roles' }).waitFor();
    await expect(manager.page.getByRole('navigation').getByRole('link').allTextContents()).resolves.toEqual(['Overview', 'Roles', 'Users', 'Invitations', 'Doors', 'Door access', 'Locks']);
    await expect(manager.page.getByRole('button', { name: 'Create role' }).count()).resolves.toBe(0);
    await manager.context.close();

    const auditor = await signInToConsole(world, 'acme', people.auditor, 'en', 'roles');
    await expect(auditor.page.locator('main h1').textContent()).resolves.toBe('Page not found');
    await expect(auditor.page.getByRole('navigation').getByRole('link').allTextContents()).resolves.not.toContain('Roles');
    await auditor.context.close();
  });

  it("opens the platform tenant's console to its operators, without the tenants' own pages", async () => {
    const platform = await asSetup(() => world.idp.services.tenants.create({ slug: 'platform', name: 'Platform' }));
    const { email } = await createPerson(world.idp, platform, 'olga', ['platform_operator']);
    const { page, context } = await signInToConsole(world, 'platform', email);
    await expect(page.locator('main h1').textContent()).resolves.toBe('Overview');
    await expect(page.getByRole('navigation').getByRole('link').allTextContents()).resolves.toEqual(['Overview', 'Tenants']);
    await context.close();
  });

  it.each([
    ['en', 'Overview', 'Roles'],
    ['da', 'Overblik', 'Roller'],
  ])('has no serious accessibility violations on the overview and Roles page in %s', async (locale, overview, roles) => {
    const { page, problems, context } = await signInToConsole(world, 'acme', people.admin, locale);
    await page.getByRole('heading', { level: 1, name: overview }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'home', locale);
    await page.getByRole('navigation').getByRole('link', { name: roles }).click();
    await page.getByRole('heading', { level: 1, name: roles }).waitFor();
    await page.getByRole('table').waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'roles', locale);
    await page.setViewportSize({ width: 390, height: 844 });
    await consoleScreenshot(page, 'roles-narrow', locale);
    // Nothing wider than the screen at 390 px but the table, which scrolls in its own box.
    await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
    expect(problems.filter(isCspOrScriptProblem)).toEqual([]);
    await context.close();
  });

  it('finds what the accessibility check is there to find: an input without a label', async () => {
    const { page, context } = await signInToConsole(world, 'acme', people.admin);
    await page.evaluate("document.querySelector('main').append(Object.assign(document.createElement('input'), { type: 'text' }))");
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([expect.stringMatching(/^label \(critical\)/)]);
    await context.close();
  });

  it("answers the console's pages and assets under a CSP without 'unsafe-inline', and never caches index.html", async () => {
    const html = await fetch(consoleUrl(world.idp, 'acme', 'roles'));
    expect(html.status).toBe(200);
    const csp = html.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(html.headers.get('cache-control')).toBe('no-store');
    const body = await html.text();
    expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style/);
    // The sign-in pages' icon, so the browser asks for no /favicon.ico.
    const icon = /<link rel="icon"[^>]*>/.exec(readFileSync(join(projectRoot(), 'views', 'layout.eta'), 'utf8'))![0];
    expect(body).toContain(icon);
    const script = /src="([^"]+\.js)"/.exec(body)![1]!;
    expect(script).toMatch(/^\/t\/acme\/console\/assets\//);
    const asset = await fetch(`${world.idp.publicUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-security-policy')).toBe(csp);
    // Read to its end: a large body left unread holds its connection open past the test.
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    // Only the build's own asset names: nothing else on disk is reachable through the assets path.
    const outside = await fetch(`${consoleUrl(world.idp, 'acme')}assets/..%2F..%2F..%2Fpackage.json`);
    expect(outside.status).toBe(404);
  });

  it("answers 404 for an unknown tenant's console", async () => {
    const res = await fetch(consoleUrl(world.idp, 'no-such-tenant', 'roles'));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('problem+json');
  });

  it('refuses to change, rotate or delete the console client through the admin API, and does not list it', async () => {
    // A change is refused as for any client the tenant has not registered (404); rotating and deleting say why (409).
    const call = adminClient(publicIdp());
    const token = await serviceToken(publicIdp(), tenant, ['tenant_admin']);
    const path = `/tenants/acme/clients/${CONSOLE_CLIENT_ID}`;
    const patched = await call('PATCH', path, token, { client_name: 'Mine now', redirect_uris: ['https://evil.example/cb'] });
    const rotated = await call('POST', `${path}/rotate-secret`, token);
    const deleted = await call('DELETE', path, token);
    expect([patched.status, rotated.status, deleted.status]).toEqual([404, 409, 409]);
    const listed = await call('GET', '/tenants/acme/clients', token);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: { client_id: string }) => c.client_id)).not.toContain(CONSOLE_CLIENT_ID);
    // Still the built-in client: the admin can sign in to the console after all of that.
    const { page, context } = await signInToConsole(world, 'acme', people.admin);
    await expect(page.locator('main h1').textContent()).resolves.toBe('Overview');
    await context.close();
  });
});
