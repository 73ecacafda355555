import type { Page } from 'playwright-core';
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
 * The Doors and Door access pages as a tenant admin uses them, what a user manager and an auditor are shown,
 * and each page's accessibility in English and Danish. Results are checked in the services, not only on screen.
 */
describe('the Doors and Door access pages of the console', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let admin: ConsoleSession;
  const people: Record<'admin' | 'manager' | 'auditor' | 'bob' | 'cleo', { email: string; id: string }> = {} as never;

  beforeAll(async () => {
    world = await startConsoleWorld();
    const { services } = world.idp;
    tenant = await asSetup(() => services.tenants.create({ slug: 'initech', name: 'Initech' }));
    await asSetup(() => services.roles.create(tenant._id, { name: 'cleaner' }));
    const front = await asSetup(() => services.doors.create(tenant._id, { key: 'front-door', name: 'Front door' }));
    await asSetup(() => services.doors.create(tenant._id, { key: 'server-room', name: 'Server room' }));
    await asSetup(() => services.doorPermissions.grant(tenant._id, { doorId: front._id, holderType: 'role', holderId: 'cleaner' }));
    people.admin = await createPerson(world.idp, tenant, 'ada', ['tenant_admin']);
    people.manager = await createPerson(world.idp, tenant, 'max', ['user_manager']);
    people.auditor = await createPerson(world.idp, tenant, 'aud', ['auditor']);
    people.bob = await createPerson(world.idp, tenant, 'bob', []);
    people.cleo = await createPerson(world.idp, tenant, 'cleo', ['cleaner']);
    admin = await signInToConsole(world, 'initech', people.admin.email, 'en', 'doors');
    await admin.page.getByRole('rowheader', { name: 'front-door' }).waitFor();
  }, 60_000);
  afterAll(() => world?.close());

  const door = (key: string) => world.idp.services.doors.getByKey(tenant._id, key).catch(() => null);
  const grantsOf = async (key: string) => {
    const found = await door(key);
    return found ? (await world.idp.services.doorPermissions.list(tenant._id, { doorId: found._id, includeRevoked: true, limit: 50 })).items : [];
  };
  const openersAt = async (key: string, at: Date) => {
    const { grants, roleHolders } = await world.idp.services.doorPermissions.history.openersAt(tenant._id, (await door(key))!, at);
    return { grants: grants.map((g) => `${g.holderType}:${g.holderId}`), roleHolders: Object.fromEntries(roleHolders) };
  };
  const region = (page: Page, name: string) => page.getByRole('region', { name });
  const openDoorAccess = async (page: Page, doorName: string) => {
    await page.getByRole('navigation').getByRole('link', { name: 'Door access' }).click();
    await page.getByRole('heading', { level: 1, name: 'Door access' }).waitFor();
    await page.getByLabel('Door', { exact: true }).selectOption({ label: doorName });
    await region(page, `Who can open ${doorName.replace(/ \(.*$/, '')}`).waitFor();
  };

  it('creates a door with a key and a name, and shows what the API refuses', async () => {
    const { page } = admin;
    const form = page.getByRole('form', { name: 'Create door' });
    await form.getByLabel('Key').fill('Back Door');
    await form.getByLabel('Name').fill('Back door');
    await form.getByRole('button', { name: 'Create door' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/key.*lower-case letters, digits and dashes/);
    await expect(door('Back Door')).resolves.toBeNull();

    await form.getByLabel('Key').fill('back-door');
    await form.getByRole('button', { name: 'Create door' }).click();
    await page.getByRole('status').filter({ hasText: 'Door Back door created.' }).waitFor();
    await page.getByRole('rowheader', { name: 'back-door' }).waitFor();
    await expect(door('back-door').then((d) => d?.name)).resolves.toBe('Back door');
  });

  it('renames a door in place; its key stays', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Rename Back door' }).click();
    await page.getByLabel('New name').fill('Loading dock');
    // With the list's reload held back, the row shows the name as the API answered the change.
    const reads = await holdReads(page, '/doors');
    try {
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await page.getByLabel('New name').waitFor({ state: 'detached' });
      await page.getByRole('cell', { name: 'Loading dock', exact: true }).waitFor();
    } finally {
      await reads.end();
    }
    await expect(door('back-door').then((d) => d?.name)).resolves.toBe('Loading dock');
  });

  it('archives a door only after saying what archiving means, and keeps it listed among archived doors', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Archive Loading dock' }).click();
    const dialog = page.getByRole('dialog', { name: 'Archive door Loading dock?' });
    const said = await dialog.textContent();
    expect(said).toContain('From now on nobody can open it');
    expect(said).toContain('Its grants are kept');
    expect(said).toContain('cannot be undone');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(door('back-door').then((d) => d?.archivedAt ?? null)).resolves.toBeNull();

    await page.getByRole('button', { name: 'Archive Loading dock' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('status').filter({ hasText: 'Door Loading dock archived.' }).waitFor();
    await page.getByRole('rowheader', { name: 'back-door' }).waitFor({ state: 'detached' });
    await expect(door('back-door').then((d) => d?.archivedAt)).resolves.toBeInstanceOf(Date);
    await page.getByLabel('Show archived doors').check();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'back-door' }) });
    await expect(row.textContent()).resolves.toContain('Archived');
    await expect(row.getByRole('button').count()).resolves.toBe(0);
  });

  it('shows who can open a door now, each person with whether it comes through a role', async () => {
    const { page } = admin;
    await openDoorAccess(page, 'Front door (front-door)');
    const openers = region(page, 'Who can open Front door');
    const cleo = openers.getByRole('row').filter({ hasText: people.cleo.email });
    await expect(cleo.textContent()).resolves.toContain('Role cleaner');
    await expect(openers.textContent()).resolves.toContain('People who could open it on');
    await expect(openers.textContent()).resolves.not.toContain(people.bob.email);
    await expect(openersAt('front-door', new Date())).resolves.toEqual({ grants: ['role:cleaner'], roleHolders: { cleaner: [people.cleo.id] } });
  });

  it('grants a door to a person found by email, for a period entered in the time zone the page names', async () => {
    const { page } = admin;
    const grant = region(page, 'Grant this door');
    await expect(grant.textContent()).resolves.toMatch(/Times are in your time zone, [A-Za-z_/]+\./);
    await grant.getByLabel('Email of the person').fill('nobody@initech.test');
    await grant.getByRole('button', { name: 'Find' }).click();
    await grant.getByText('Nobody has the email nobody@initech.test.').waitFor();
    await grant.getByLabel('Email of the person').fill(people.bob.email);
    await grant.getByRole('button', { name: 'Find' }).click();
    await grant.getByText(people.bob.email).waitFor();
    await grant.getByLabel('Valid from (optional)').fill('2030-02-01T10:00');
    await grant.getByLabel('Valid until (optional)').fill('2030-01-01T10:00');
    await grant.getByRole('button', { name: 'Grant access' }).click();
    await expect(grant.getByRole('alert').textContent()).resolves.toMatch(/valid_until.*must be later than valid_from/);
    await expect(grantsOf('front-door').then((gs) => gs.filter((g) => g.holderId === people.bob.id))).resolves.toEqual([]);
    await grant.getByLabel('Valid from (optional)').fill('2030-01-01T10:00');
    await grant.getByLabel('Valid until (optional)').fill('2030-02-01T10:00');
    await grant.getByRole('button', { name: 'Grant access' }).click();
    await page.getByRole('status').filter({ hasText: 'Door granted to bob.' }).waitFor();

    const bobs = (await grantsOf('front-door')).filter((g) => g.holderId === people.bob.id);
    // The browser runs in this process's time zone: the wall-clock times entered are those instants here.
    expect(bobs.map((g) => [g.validFrom?.toISOString(), g.validUntil?.toISOString()])).toEqual([
      [new Date(2030, 0, 1, 10, 0).toISOString(), new Date(2030, 1, 1, 10, 0).toISOString()],
    ]);
    await region(page, 'Grants of this door').getByRole('button', { name: 'Revoke the grant of bob' }).waitFor();
  });

  it("says before granting that a person's processing is restricted, and shows the API's refusal", async () => {
    const { page } = admin;
    const rita = await createPerson(world.idp, tenant, 'rita', []);
    await asSetup(() => world.idp.services.users.setStatus(tenant, rita.id, { from: ['active'], to: 'restricted', action: 'user.restricted' }));
    const grant = region(page, 'Grant this door');
    await grant.getByLabel('Email of the person').fill(rita.email);
    await grant.getByRole('button', { name: 'Find' }).click();
    await grant.getByText(rita.email).waitFor();
    await expect(grant.getByRole('status').textContent()).resolves.toContain("Processing of this person's data is restricted");
    await grant.getByRole('button', { name: 'Grant access' }).click();
    await expect(grant.getByRole('alert').textContent()).resolves.toContain('Processing of this user is restricted');
    await expect(grantsOf('front-door').then((gs) => gs.filter((g) => g.holderId === rita.id))).resolves.toEqual([]);
  });

  it('answers who could open the door on a chosen date, and back to now with one button', async () => {
    const { page } = admin;
    const openers = region(page, 'Who can open Front door');
    await openers.getByLabel('Date and time', { exact: true }).fill('2030-01-15T12:00');
    const bob = openers.getByRole('row').filter({ hasText: people.bob.email });
    await expect(bob.textContent()).resolves.toContain('Own grant');
    await expect(openers.getByRole('row').filter({ hasText: people.cleo.email }).textContent()).resolves.toContain('Role cleaner');
    await expect(openersAt('front-door', new Date(2030, 0, 15, 12)).then((o) => o.grants.sort())).resolves.toEqual(['role:cleaner', `user:${people.bob.id}`]);
    await openers.getByRole('button', { name: 'Now' }).click();
    await bob.waitFor({ state: 'detached' });
    await openers.getByRole('row').filter({ hasText: people.cleo.email }).waitFor();
  });

  it('answers which doors a person could open on a chosen date, through a role or their own grant', async () => {
    const { page } = admin;
    const byPerson = region(page, 'Which doors could a person open');
    await byPerson.getByLabel('Email of the person').fill(people.bob.email);
    await byPerson.getByRole('button', { name: 'Find' }).click();
    await byPerson.getByText(/^Doors this person could open on .*: 0$/).waitFor();
    await byPerson.getByLabel('Date and time', { exact: true }).fill('2030-01-15T12:00');
    await byPerson.getByText(/^Doors this person could open on .*: 1$/).waitFor();
    await expect(byPerson.getByRole('row').filter({ hasText: 'Front door' }).textContent()).resolves.toContain('Own grant');

    await byPerson.getByLabel('Email of the person').fill(people.cleo.email);
    await byPerson.getByRole('button', { name: 'Find' }).click();
    await byPerson.getByRole('row').filter({ hasText: 'Front door' }).filter({ hasText: 'Role cleaner' }).waitFor();
    await expect(byPerson.textContent()).resolves.toContain('Roles held then: cleaner');
  });

  it("goes from a door's answer to the doors that person could open on the same date", async () => {
    const { page } = admin;
    const openers = region(page, 'Who can open Front door');
    await openers.getByLabel('Date and time', { exact: true }).fill('2030-01-15T12:00');
    await openers.getByRole('button', { name: 'Doors of bob' }).click();
    const byPerson = region(page, 'Which doors could a person open');
    await byPerson.getByRole('row').filter({ hasText: 'Front door' }).filter({ hasText: 'Own grant' }).waitFor();
    await expect(byPerson.getByLabel('Date and time', { exact: true }).inputValue()).resolves.toBe('2030-01-15T12:00');
    await expect(byPerson.getByRole('status').textContent()).resolves.toContain(people.bob.email);
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('person-doors-title');
  });

  it('grants a door to a role', async () => {
    const { page } = admin;
    await page.getByLabel('Door', { exact: true }).selectOption({ label: 'Server room (server-room)' });
    expect(new URL(page.url()).search).toBe('?door=server-room');
    const grant = region(page, 'Grant this door');
    await grant.getByLabel('Everyone with a role').check();
    await grant.getByLabel('Role', { exact: true }).selectOption('cleaner');
    await grant.getByRole('button', { name: 'Grant access' }).click();
    await page.getByRole('status').filter({ hasText: 'Door granted to role cleaner.' }).waitFor();
    await expect(grantsOf('server-room').then((gs) => gs.map((g) => [g.holderType, g.holderId, g.validFrom ?? null, g.validUntil ?? null]))).resolves.toEqual([['role', 'cleaner', null, null]]);
    await region(page, 'Who can open Server room').getByRole('row').filter({ hasText: people.cleo.email }).waitFor();
  });

  it('revokes a grant only after confirming, and keeps it in the history', async () => {
    const { page } = admin;
    await page.getByLabel('Door', { exact: true }).selectOption({ label: 'Front door (front-door)' });
    const grants = region(page, 'Grants of this door');
    await grants.getByRole('button', { name: 'Revoke the grant of bob' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the grant of bob?' });
    await expect(dialog.textContent()).resolves.toContain('The grant stays in the history');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(grantsOf('front-door').then((gs) => gs.find((g) => g.holderId === people.bob.id)?.revokedAt ?? null)).resolves.toBeNull();

    await grants.getByRole('button', { name: 'Revoke the grant of bob' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('status').filter({ hasText: 'Grant of bob revoked.' }).waitFor();
    await grants.getByRole('button', { name: 'Revoke the grant of bob' }).waitFor({ state: 'detached' });
    const bobs = (await grantsOf('front-door')).filter((g) => g.holderId === people.bob.id);
    expect(bobs.map((g) => [g.revokedAt instanceof Date, g.revokedBy])).toEqual([[true, expect.stringContaining(people.admin.id)]]);
    expect(admin.problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
  });

  it("lists every grant of a door, past the API's page size", async () => {
    const { page } = admin;
    const { services } = world.idp;
    const lobby = await asSetup(() => services.doors.create(tenant._id, { key: 'lobby', name: 'Lobby' }));
    for (let day = 1; day <= 201; day++) {
      const validFrom = new Date(Date.UTC(2031, 0, day));
      await asSetup(() => services.doorPermissions.grant(tenant._id, { doorId: lobby._id, holderType: 'role', holderId: 'cleaner', validFrom }));
    }
    await page.getByRole('navigation').getByRole('link', { name: 'Doors', exact: true }).click();
    await page.getByRole('rowheader', { name: 'lobby' }).waitFor();
    await openDoorAccess(page, 'Lobby (lobby)');
    const revokes = region(page, 'Grants of this door').getByRole('button', { name: 'Revoke the grant of role cleaner' });
    await revokes.first().waitFor();
    await expect(revokes.count()).resolves.toBe(201);
  });

  it('shows a user manager the doors and door access, but no way to create, rename or archive a door', async () => {
    const { page, context } = await signInToConsole(world, 'initech', people.manager.email, 'en', 'doors');
    await page.getByRole('rowheader', { name: 'front-door' }).waitFor();
    await expect(page.getByRole('form', { name: 'Create door' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: /^(Rename|Archive)/ }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Who can open Front door' }).click();
    await region(page, 'Who can open Front door').getByRole('rowheader').filter({ hasText: people.cleo.email }).waitFor();
    await expect(page.getByLabel('Door', { exact: true }).inputValue()).resolves.toBe('front-door');
    await region(page, 'Grant this door').waitFor();
    await context.close();
  });

  it('shows an auditor neither page, as the API lets them read neither', async () => {
    const { page, context } = await signInToConsole(world, 'initech', people.auditor.email);
    const links = await page.getByRole('navigation').getByRole('link').allTextContents();
    expect(links).toContain('Overview');
    expect(links.filter((l) => /Door/.test(l))).toEqual([]);
    await context.close();
  });

  it.each([
    ['en', 'Doors', 'Door access', 'Front door (front-door)'],
    ['da', 'Døre', 'Adgang til døre', 'Front door (front-door)'],
  ])('has no serious accessibility violations on either page in %s, also 390 px wide', async (locale, doors, access, doorOption) => {
    const { page, problems, context } = await signInToConsole(world, 'initech', people.admin.email, locale, 'doors');
    await page.getByRole('heading', { level: 1, name: doors }).waitFor();
    await page.getByRole('rowheader', { name: 'front-door' }).waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'doors', locale);
    await page.getByRole('navigation').getByRole('link', { name: access }).click();
    await page.getByRole('heading', { level: 1, name: access }).waitFor();
    await page.locator('select').first().selectOption({ label: doorOption });
    await page.getByRole('rowheader').filter({ hasText: people.cleo.email }).first().waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'door-access', locale);
    await page.setViewportSize({ width: 390, height: 844 });
    await consoleScreenshot(page, 'door-access-narrow', locale);
    await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
    expect(problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
    await context.close();
  });
});
