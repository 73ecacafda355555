import { readFileSync } from 'node:fs';
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

/** The Users and Invitations pages as tenant admins and user managers use them, checked through the services. */
describe('the Users and Invitations pages of the console', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let admin: ConsoleSession;
  const people = { manager: '', auditor: '', bob: '', carl: '', dora: '' };
  let doraId = '';
  let bobId = '';

  beforeAll(async () => {
    world = await startConsoleWorld();
    tenant = await asSetup(() => world.idp.services.tenants.create({ slug: 'initech', name: 'Initech' }));
    await asSetup(() => world.idp.services.roles.create(tenant._id, { name: 'night_guard', description: 'Walks the halls' }));
    await asSetup(() => world.idp.services.doors.create(tenant._id, { key: 'loading-dock', name: 'Loading dock' }));
    const { email } = await createPerson(world.idp, tenant, 'ada', ['tenant_admin']);
    people.manager = (await createPerson(world.idp, tenant, 'mona', ['user_manager'])).email;
    people.auditor = (await createPerson(world.idp, tenant, 'aud', ['auditor'])).email;
    const bob = await createPerson(world.idp, tenant, 'bob', []);
    (people.bob = bob.email), (bobId = bob.id);
    people.carl = (await createPerson(world.idp, tenant, 'carl', [])).email;
    const dora = await createPerson(world.idp, tenant, 'dora', ['night_guard']);
    (people.dora = dora.email), (doraId = dora.id);
    admin = await signInToConsole(world, 'initech', email, 'en', 'users');
    await admin.page.getByRole('rowheader', { name: people.bob }).waitFor();
  }, 60_000);
  afterAll(() => world?.close());

  const userByEmail = async (email: string) => (await world.idp.services.users.list(tenant, { email, limit: 1 })).items[0];
  const invitationTo = async (email: string) => (await world.idp.services.invitations.list(tenant, { limit: 200 })).items.find((i) => i.email === email);
  const rowOf = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  const open = async (page: Page, link: string) => {
    await page.getByRole('navigation').getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: link }).waitFor();
  };
  const status = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text }).waitFor();
  const openAccess = async (page: Page, email: string) => {
    await page.getByRole('button', { name: `Sign-in and data of ${email}` }).click();
    const panel = page.getByRole('region', { name: `Sign-in and data of ${email}` });
    await panel.getByRole('heading', { name: 'Sessions' }).waitFor();
    return panel;
  };

  it("creates a user with a role, and shows the API's problem field by field when it refuses one", async () => {
    const { page } = admin;
    const form = page.getByRole('form', { name: 'Create user' });
    await form.getByLabel('Email', { exact: true }).fill('not-an-email');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/email/i);

    await form.getByLabel('Email', { exact: true }).fill('erin@initech.test');
    await form.getByLabel('Name (optional)').fill('Erin');
    await form.getByRole('checkbox', { name: 'night_guard' }).check();
    await form.getByRole('button', { name: 'Create user' }).click();
    await status(page, 'User erin@initech.test created.');
    await rowOf(page, 'erin@initech.test').waitFor();
    await expect(userByEmail('erin@initech.test')).resolves.toMatchObject({ name: 'Erin', roles: ['night_guard'], status: 'active' });
  });

  it('asks before giving an admin role, saying what it gives, and shows the warning the API answers', async () => {
    const { page } = admin;
    const form = page.getByRole('form', { name: 'Create user' });
    await form.getByLabel('Email', { exact: true }).fill('fred@initech.test');
    await form.getByRole('checkbox', { name: 'tenant_admin' }).check();
    await form.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Give admin access to fred@initech.test?' });
    await expect(dialog.textContent()).resolves.toContain('full access to the personal data of every user');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(userByEmail('fred@initech.test')).resolves.toBeUndefined();

    await form.getByRole('button', { name: 'Create user' }).click();
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await status(page, 'User fred@initech.test created.');
    await status(page, 'The tenant_admin role gives this user full access');
    await expect(userByEmail('fred@initech.test').then((u) => u?.roles)).resolves.toEqual(['tenant_admin']);
  });

  it('finds users by exact email, by status and by role', async () => {
    const { page } = admin;
    const search = page.getByRole('search', { name: 'Find users' });
    await search.getByLabel('Exact email').fill(people.dora);
    await search.getByRole('button', { name: 'Find users' }).click();
    await page.getByRole('rowheader', { name: people.bob }).waitFor({ state: 'detached' });
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await rowOf(page, people.dora).waitFor();

    await search.getByLabel('Exact email').fill('');
    await search.getByLabel('Status').selectOption({ label: 'Locked' });
    await search.getByRole('button', { name: 'Find users' }).click();
    await page.getByText('No users match.').waitFor();
    await search.getByLabel('Status').selectOption({ label: 'Any status' });
    await search.getByLabel('Role').selectOption('night_guard');
    await search.getByRole('button', { name: 'Find users' }).click();
    await page.getByRole('rowheader', { name: people.bob }).waitFor({ state: 'detached' });
    await rowOf(page, people.dora).waitFor();
    await rowOf(page, 'erin@initech.test').waitFor();
    await search.getByLabel('Role').selectOption({ label: 'Any role' });
    await search.getByRole('button', { name: 'Find users' }).click();
    await rowOf(page, people.bob).waitFor();
  });

  it("changes a user's name and roles", async () => {
    const { page } = admin;
    await page.getByRole('button', { name: `Edit ${people.bob}` }).click();
    const form = page.getByRole('form', { name: `Edit ${people.bob}` });
    await form.getByLabel('Name').fill('Robert');
    await form.getByRole('checkbox', { name: 'night_guard' }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await status(page, `Changes to ${people.bob} saved.`);
    await expect(userByEmail(people.bob)).resolves.toMatchObject({ name: 'Robert', roles: ['night_guard'] });
  });

  it('locks and unlocks a user, saying first that their sessions end', async () => {
    const { page } = admin;
    await rowOf(page, people.dora).getByRole('button', { name: `Lock ${people.dora}` }).click();
    const dialog = page.getByRole('dialog', { name: `Lock ${people.dora}?` });
    await expect(dialog.textContent()).resolves.toContain('their sessions and tokens end now');
    await dialog.getByRole('button', { name: 'Lock' }).click();
    await status(page, `${people.dora} is locked.`);
    await expect(userByEmail(people.dora).then((u) => u?.status)).resolves.toBe('locked');

    await rowOf(page, people.dora).getByRole('button', { name: `Unlock ${people.dora}` }).click();
    await status(page, `${people.dora} is unlocked.`);
    await expect(userByEmail(people.dora).then((u) => u?.status)).resolves.toBe('active');
  });

  it('restricts processing after saying what that means, keeps roles out of reach meanwhile, and lifts it', async () => {
    const { page } = admin;
    // The list's reload after the change is held back until the form is open: what the admin edits is the user the
    // API answered, not the row as it was before the change.
    const reads = await holdReads(page, '/tenants/initech/users');
    await rowOf(page, people.dora).getByRole('button', { name: `Restrict processing ${people.dora}` }).click();
    const dialog = page.getByRole('dialog', { name: `Restrict processing of ${people.dora}?` });
    await expect(dialog.textContent()).resolves.toContain('GDPR art. 18');
    await dialog.getByRole('button', { name: 'Restrict processing' }).click();
    await status(page, `Processing of ${people.dora} is restricted.`);
    await expect(userByEmail(people.dora).then((u) => u?.status)).resolves.toBe('restricted');

    const form = page.getByRole('form', { name: `Edit ${people.dora}` });
    try {
      await page.getByRole('button', { name: `Edit ${people.dora}` }).click();
      await form.getByText('Roles stay as they are while processing is restricted').waitFor();
      await expect(form.getByRole('checkbox').count()).resolves.toBe(0);
    } finally {
      await reads.end();
    }
    await form.getByRole('button', { name: 'Cancel' }).click();

    await rowOf(page, people.dora).getByRole('button', { name: `Lift restriction ${people.dora}` }).click();
    await status(page, `The restriction of ${people.dora} is lifted.`);
    await expect(userByEmail(people.dora).then((u) => u?.status)).resolves.toBe('active');
  });

  it('erases a user only after the person has read that their data is erased and typed their email', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: `Delete ${people.carl}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete user ${people.carl}?` });
    await expect(dialog.textContent()).resolves.toContain('This cannot be undone');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect(userByEmail(people.carl)).resolves.toBeDefined();

    await page.getByRole('button', { name: `Delete ${people.carl}` }).click();
    // A slip onto the wrong row erases nobody: the confirmation names the person to be typed.
    await dialog.getByLabel(`Type ${people.carl} to confirm`).fill(people.dora);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByText(`Type exactly ${people.carl}.`).waitFor();
    await expect(userByEmail(people.carl)).resolves.toBeDefined();
    await dialog.getByLabel(`Type ${people.carl} to confirm`).fill(people.carl);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await status(page, `User ${people.carl} deleted.`);
    await page.getByRole('rowheader', { name: people.carl }).waitFor({ state: 'detached' });
    await expect(userByEmail(people.carl)).resolves.toBeUndefined();
  });

  it('works from the keyboard: a form, a confirmation that Escape cancels, and focus taken to what opened', async () => {
    const { page } = admin;
    // What has focus, by the name a screen reader would give it (evaluated in the page, which has a DOM).
    const focused = () => page.evaluate<string | null>("document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? null");
    await page.getByRole('form', { name: 'Create user' }).getByLabel('Email', { exact: true }).focus();
    await page.keyboard.type('ivy@initech.test');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Ivy');
    for (const _ of ['tenant_admin', 'user_manager', 'auditor', 'night_guard']) await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await status(page, 'User ivy@initech.test created.');
    await expect(userByEmail('ivy@initech.test')).resolves.toMatchObject({ name: 'Ivy', roles: ['night_guard'] });

    await page.getByRole('button', { name: 'Lock ivy@initech.test' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Lock ivy@initech.test?' });
    await dialog.waitFor();
    await expect(focused()).resolves.toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(focused()).resolves.toBe('Lock ivy@initech.test');
    await expect(userByEmail('ivy@initech.test').then((u) => u?.status)).resolves.toBe('active');

    await page.getByRole('button', { name: 'Edit ivy@initech.test' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('form', { name: 'Edit ivy@initech.test' }).waitFor();
    await expect(focused()).resolves.toBe('Edit ivy@initech.test');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it("lists a user's sessions and ends them all after saying what that does", async () => {
    const dora = await signInToConsole(world, 'initech', people.dora, 'en');
    await dora.context.close();
    const { page } = admin;
    const panel = await openAccess(page, people.dora);
    await panel.getByText(/^Signed in .*; apps: doorway-console/).waitFor();
    await panel.getByRole('button', { name: 'End all sessions' }).click();
    const dialog = page.getByRole('dialog', { name: `End all sessions of ${people.dora}?` });
    await expect(dialog.textContent()).resolves.toContain('refresh tokens included');
    await dialog.getByRole('button', { name: 'End all sessions' }).click();
    await status(page, 'Sessions ended: 1.');
    await panel.getByText('No active sessions.').waitFor();
    await expect(world.idp.services.sessions.list(tenant._id, doraId)).resolves.toEqual([]);
  });

  it('removes second factors after confirming, and sets a temporary password the policy accepts', async () => {
    const { page } = admin;
    await asSetup(() => world.idp.services.mfa.issueRecoveryCodes(tenant, doraId));
    await page.getByRole('button', { name: 'Close' }).click();
    const panel = await openAccess(page, people.dora);
    await panel.getByText(/^Recovery codes left: [1-9]/).waitFor();
    await panel.getByRole('button', { name: 'Remove second factors' }).click();
    const dialog = page.getByRole('dialog', { name: `Remove all second factors of ${people.dora}?` });
    await expect(dialog.textContent()).resolves.toContain('make sure it is really them asking');
    await dialog.getByRole('button', { name: 'Remove second factors' }).click();
    await status(page, 'Second factors removed.');
    await panel.getByText('Recovery codes left: 0').waitFor();
    await expect(world.idp.services.mfa.summary(tenant._id, doraId).then((m) => m.recoveryCodesLeft)).resolves.toBe(0);

    await panel.getByLabel('New temporary password').fill('short');
    await panel.getByRole('button', { name: 'Set temporary password' }).click();
    await panel.getByRole('alert').waitFor();
    await expect(userByEmail(people.dora).then((u) => u?.mustChangePassword)).resolves.toBe(false);
    await panel.getByLabel('New temporary password').fill('Lantern-Orchard-Basalt-47');
    await panel.getByRole('button', { name: 'Set temporary password' }).click();
    await status(page, `A temporary password is set for ${people.dora}.`);
    await expect(userByEmail(people.dora).then((u) => u?.mustChangePassword)).resolves.toBe(true);
  });

  it('downloads everything held about a user, saying before and after that it holds personal data', async () => {
    const { page } = admin;
    const panel = page.getByRole('region', { name: `Sign-in and data of ${people.dora}` });
    await panel.getByText('hand it only to the person').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download export' }).click()]);
    expect(download.suggestedFilename()).toBe(`export-${doraId}.json`);
    const file = await download.path();
    expect(JSON.stringify(JSON.parse(readFileSync(file, 'utf8')))).toContain(people.dora);
    await status(page, 'This export holds personal data.');
    await page.getByRole('button', { name: 'Close' }).click();
    await panel.waitFor({ state: 'detached' });
  });

  it('invites a person with a role and a door, and shows the invitation pending with its mail', async () => {
    const { page } = admin;
    await open(page, 'Invitations');
    const form = page.getByRole('form', { name: 'Send invitation' });
    await form.getByLabel('Email', { exact: true }).fill('gail@initech.test');
    await form.getByLabel('Language of the mail').selectOption('da');
    await form.getByRole('checkbox', { name: 'night_guard' }).check();
    await form.getByRole('group', { name: 'Doors' }).getByRole('checkbox', { name: 'Loading dock (loading-dock)' }).check();
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await status(page, 'Invitation to gail@initech.test queued for sending.');
    const row = rowOf(page, 'gail@initech.test');
    await expect(row.getByRole('cell').first().textContent()).resolves.toBe('Pending');
    await expect(row.getByRole('cell').nth(3).textContent()).resolves.toBe('loading-dock');
    const invitation = await invitationTo('gail@initech.test');
    expect(invitation).toMatchObject({ state: 'pending', locale: 'da', roles: ['night_guard'] });
    expect(invitation?.doors.map((d) => [d.doorKey, d.validUntil])).toEqual([['loading-dock', undefined]]);
  });

  it('asks before offering an admin role in an invitation, and shows the warning the API answers', async () => {
    const { page } = admin;
    const form = page.getByRole('form', { name: 'Send invitation' });
    await form.getByLabel('Email', { exact: true }).fill('hank@initech.test');
    await form.getByRole('checkbox', { name: 'auditor' }).check();
    await form.getByRole('button', { name: 'Send invitation' }).click();
    const dialog = page.getByRole('dialog', { name: 'Give admin access to hank@initech.test?' });
    await expect(dialog.textContent()).resolves.toContain('complete personal-data change log');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await status(page, 'The auditor role lets this user read the complete personal-data change log');
    await expect(invitationTo('hank@initech.test').then((i) => i?.roles)).resolves.toEqual(['auditor']);
  });

  it('sends an invitation again with a new link, and withdraws one after confirming', async () => {
    const { page } = admin;
    const before = await invitationTo('gail@initech.test');
    await page.getByRole('button', { name: 'Send again to gail@initech.test' }).click();
    await status(page, 'A new link to gail@initech.test is queued; the old one no longer works.');
    await expect(invitationTo('gail@initech.test').then((i) => i!.expiresAt.getTime())).resolves.toBeGreaterThanOrEqual(before!.expiresAt.getTime());

    await page.getByRole('button', { name: 'Withdraw the invitation to gail@initech.test' }).click();
    const dialog = page.getByRole('dialog', { name: 'Withdraw the invitation to gail@initech.test?' });
    await expect(dialog.textContent()).resolves.toContain('Its link stops working now');
    await dialog.getByRole('button', { name: 'Withdraw' }).click();
    await status(page, 'The invitation to gail@initech.test is withdrawn.');
    await expect(invitationTo('gail@initech.test').then((i) => i?.state)).resolves.toBe('revoked');
    // The status is announced before the list is read again, so wait for the row's action to go.
    await page.getByRole('button', { name: 'Withdraw the invitation to gail@initech.test' }).waitFor({ state: 'detached' });

    await page.getByLabel('State').selectOption({ label: 'Withdrawn' });
    await rowOf(page, 'hank@initech.test').waitFor({ state: 'detached' });
    await rowOf(page, 'gail@initech.test').waitFor();
    expect(admin.problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
  });

  it('offers a user manager no admin roles, no email or password change of an admin and no second-factor reset; an auditor neither page', async () => {
    const manager = await signInToConsole(world, 'initech', people.manager, 'en', 'users');
    const { page } = manager;
    await rowOf(page, people.bob).waitFor();
    const create = page.getByRole('form', { name: 'Create user' });
    await create.getByRole('checkbox', { name: 'night_guard' }).waitFor();
    await expect(create.getByRole('checkbox', { name: 'tenant_admin' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Edit fred@initech.test' }).click();
    const edit = page.getByRole('form', { name: 'Edit fred@initech.test' });
    await edit.getByText('Admin roles stay as they are: tenant_admin.').waitFor();
    await expect(edit.getByLabel('Email', { exact: true }).count()).resolves.toBe(0);
    await edit.getByRole('button', { name: 'Cancel' }).click();
    const fred = await openAccess(page, 'fred@initech.test');
    await fred.getByRole('heading', { name: 'Data export' }).waitFor();
    await expect(fred.getByLabel('New temporary password').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Close' }).click();
    await asSetup(() => world.idp.services.mfa.issueRecoveryCodes(tenant, bobId));
    const bob = await openAccess(page, people.bob);
    await bob.getByText(/^Recovery codes left: [1-9]/).waitFor();
    await bob.getByLabel('New temporary password').waitFor();
    await expect(bob.getByRole('button', { name: 'Remove second factors' }).count()).resolves.toBe(0);
    await open(page, 'Invitations');
    await expect(page.getByRole('form', { name: 'Send invitation' }).getByRole('checkbox', { name: 'auditor' }).count()).resolves.toBe(0);
    await manager.context.close();

    const auditor = await signInToConsole(world, 'initech', people.auditor, 'en', 'users');
    await expect(auditor.page.locator('main h1').textContent()).resolves.toBe('Page not found');
    await expect(auditor.page.getByRole('navigation').getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
    await expect(auditor.page.getByRole('navigation').getByRole('link', { name: 'Invitations' }).count()).resolves.toBe(0);
    await auditor.context.close();
  });

  it.each(['en', 'da'])('has no serious accessibility problem on either page in %s, also 390 px wide', async (locale) => {
    const session = locale === 'en' ? admin : await signInToConsole(world, 'initech', 'ada@initech.test', locale, 'users');
    const { page } = session;
    for (const [path, heading] of [['users', locale === 'en' ? 'Users' : 'Brugere'], ['invitations', locale === 'en' ? 'Invitations' : 'Invitationer']] as const) {
      await open(page, heading);
      await page.locator('tbody tr').first().waitFor();
      await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
      await consoleScreenshot(page, path, locale);
      await page.setViewportSize({ width: 390, height: 844 });
      // Nothing wider than the screen but the table, which scrolls in its own box.
      await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    await open(page, locale === 'en' ? 'Users' : 'Brugere');
    const title = `${locale === 'en' ? 'Sign-in and data of' : 'Login og data for'} ${people.bob}`;
    await page.getByRole('button', { name: title }).click();
    await page.getByRole('region', { name: title }).getByRole('listitem').first().waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'user-access', locale);
    if (session !== admin) await session.context.close();
  });
});
