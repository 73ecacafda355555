import { exportJWK, generateKeyPair } from 'jose';
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
 * The Locks page as a tenant admin uses it (register, change, retire, read a lock's status history), what a user
 * manager and an auditor are shown, and its accessibility in English and Danish. Results are checked in the
 * services, not only on screen.
 */
describe('the Locks page of the console', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let admin: ConsoleSession;
  const people: Record<'admin' | 'manager' | 'auditor', { email: string; id: string }> = {} as never;

  const lockNamed = async (name: string) => {
    const { items } = await world.idp.services.locks.list(tenant._id, { includeRetired: true, limit: 100 });
    return items.find((l) => l.name === name) ?? null;
  };
  const jwkText = async (kind: 'public' | 'private') => JSON.stringify(await exportJWK((await generateKeyPair('ES256', { extractable: true }))[`${kind}Key`]));

  beforeAll(async () => {
    world = await startConsoleWorld();
    const { services } = world.idp;
    tenant = await asSetup(() => services.tenants.create({ slug: 'locksmith', name: 'Locksmith' }));
    await asSetup(() => services.doors.create(tenant._id, { key: 'front-door', name: 'Front door' }));
    await asSetup(() => services.doors.create(tenant._id, { key: 'lab', name: 'Lab' }));
    const jwk = JSON.parse(await jwkText('public')) as Record<string, unknown>;
    const hall = await asSetup(() => services.locks.create(tenant._id, { name: 'Hall lock', doors: ['front-door'], model: 'LX-1', jwk }));
    const reporting = (await world.idp.db.models.locks.findOne({ tenantId: tenant._id, _id: hall._id }).lean())!;
    await services.locks.reportStatus(tenant._id, reporting, { battery: 80, firmwareVersion: '1.0.0', errorCodes: [], reportedAt: new Date('2026-01-01T08:00:00Z') });
    await services.locks.reportStatus(tenant._id, reporting, { battery: 41, firmwareVersion: '1.0.1', errorCodes: ['E12', 'TAMPER'], reportedAt: new Date('2026-01-02T08:00:00Z') });
    people.admin = await createPerson(world.idp, tenant, 'ada', ['tenant_admin']);
    people.manager = await createPerson(world.idp, tenant, 'max', ['user_manager']);
    people.auditor = await createPerson(world.idp, tenant, 'aud', ['auditor']);
    admin = await signInToConsole(world, 'locksmith', people.admin.email, 'en', 'locks');
    await admin.page.getByRole('rowheader', { name: 'Hall lock' }).waitFor();
  }, 60_000);
  afterAll(() => world?.close());

  it("shows each lock's doors and latest status, and its status history newest first", async () => {
    const { page } = admin;
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Hall lock' }) });
    const shown = await row.textContent();
    expect(shown).toContain('front-door');
    expect(shown).toContain('Battery 41 %');
    expect(shown).toContain('firmware 1.0.1');
    expect(shown).toContain('errors: E12, TAMPER');
    await page.getByRole('button', { name: 'Status history of Hall lock' }).click();
    const history = page.getByRole('region', { name: 'Status history of Hall lock' }).first();
    await history.getByRole('rowheader').first().waitFor();
    const rows = await history.getByRole('row').allTextContents();
    expect(rows.slice(1)).toEqual([expect.stringContaining('41 %1.0.1E12, TAMPER'), expect.stringContaining('80 %1.0.0')]);
    await page.getByRole('button', { name: 'Close' }).click();
    await history.waitFor({ state: 'detached' });
  });

  it('refuses a private key with what the API says, then registers the lock with its public key and doors', async () => {
    const { page } = admin;
    const form = page.getByRole('form', { name: 'Register lock' });
    await form.getByLabel('Name', { exact: true }).fill('Lab lock');
    await form.getByRole('checkbox', { name: 'Lab (lab)' }).check();
    await form.getByLabel('Model').fill('LX-2');
    await form.getByLabel("The lock's public key (JWK)").fill('not json');
    await form.getByRole('button', { name: 'Register lock' }).click();
    await form.getByText('This is not a JSON object.').waitFor();

    await form.getByLabel("The lock's public key (JWK)").fill(await jwkText('private'));
    await form.getByRole('button', { name: 'Register lock' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toContain('must be a public key: the private key never leaves the lock');
    await expect(lockNamed('Lab lock')).resolves.toBeNull();

    await form.getByLabel("The lock's public key (JWK)").fill(await jwkText('public'));
    await form.getByRole('button', { name: 'Register lock' }).click();
    await page.getByRole('status').filter({ hasText: 'Lock Lab lock registered.' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Lab lock' }) });
    await expect(row.textContent()).resolves.toContain('No status reported yet.');
    const saved = await lockNamed('Lab lock');
    expect([saved?.doors, saved?.model, saved?.retiredAt ?? null]).toEqual([['lab'], 'LX-2', null]);
  });

  it('renames a lock and changes the doors it serves', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Edit Lab lock' }).click();
    const form = page.getByRole('form', { name: 'Change lock Lab lock' });
    await form.getByLabel('Name', { exact: true }).fill('Lab and front lock');
    await form.getByRole('checkbox', { name: 'Front door (front-door)' }).check();
    // With the list's reload held back, the row shows the lock as the API answered the change.
    const reads = await holdReads(page, '/locks');
    try {
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await form.waitFor({ state: 'detached' });
      await page.getByRole('rowheader', { name: 'Lab and front lock' }).waitFor();
    } finally {
      await reads.end();
    }
    await expect(lockNamed('Lab and front lock').then((l) => l?.doors)).resolves.toEqual(['front-door', 'lab']);
  });

  it('retires a lock only after its name is typed, and lists it among retired locks without actions', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Retire Lab and front lock' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retire lock Lab and front lock?' });
    const said = await dialog.textContent();
    expect(said).toContain('its tokens end');
    expect(said).toContain('cannot be undone');
    await dialog.getByLabel('Type Lab and front lock to confirm').fill('Lab lock');
    await dialog.getByRole('button', { name: 'Retire' }).click();
    await dialog.getByText('Type exactly Lab and front lock.').waitFor();
    await expect(lockNamed('Lab and front lock').then((l) => l?.retiredAt ?? null)).resolves.toBeNull();

    await dialog.getByLabel('Type Lab and front lock to confirm').fill('Lab and front lock');
    await dialog.getByRole('button', { name: 'Retire' }).click();
    await page.getByRole('status').filter({ hasText: 'Lock Lab and front lock retired.' }).waitFor();
    await page.getByRole('rowheader', { name: 'Lab and front lock' }).waitFor({ state: 'detached' });
    await expect(lockNamed('Lab and front lock').then((l) => l?.retiredAt)).resolves.toBeInstanceOf(Date);
    await page.getByLabel('Show retired locks').check();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Lab and front lock' }) });
    await expect(row.textContent()).resolves.toContain('Retired');
    await expect(row.getByRole('button').allTextContents()).resolves.toEqual(['Status history']);
  });

  it('shows a user manager the locks and their history, but no way to register, change or retire one', async () => {
    const { page, context } = await signInToConsole(world, 'locksmith', people.manager.email, 'en', 'locks');
    await page.getByRole('rowheader', { name: 'Hall lock' }).waitFor();
    await expect(page.getByRole('form', { name: 'Register lock' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /^(Edit|Retire)/ }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Status history of Hall lock' }).click();
    await page.getByRole('region', { name: 'Status history of Hall lock' }).first().getByRole('rowheader').first().waitFor();
    await context.close();
  });

  it('does not offer an auditor the page, as the API lets them not read locks', async () => {
    const { page, context } = await signInToConsole(world, 'locksmith', people.auditor.email);
    await expect(page.getByRole('navigation').getByRole('link').allTextContents()).resolves.not.toContain('Locks');
    await context.close();
  });

  it.each([
    ['en', 'Locks'],
    ['da', 'Låse'],
  ])('has no serious accessibility violations in %s, also 390 px wide', async (locale, title) => {
    const { page, problems, context } = await signInToConsole(world, 'locksmith', people.admin.email, locale, 'locks');
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByRole('rowheader', { name: 'Hall lock' }).waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'locks', locale);
    await page.setViewportSize({ width: 390, height: 844 });
    await consoleScreenshot(page, 'locks-narrow', locale);
    await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
    expect(problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
    await context.close();
  });
});
