import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair } from 'jose';
import { ACCESS_EVENT_EXPORT_WARNING } from '../../src/admin-api/routes/access-events.routes.js';
import type { Page } from 'playwright-core';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { asSetup } from '../support/fixtures.js';
import { consoleScreenshot, createPerson, seriousAccessibilityViolations, signInToConsole, startConsoleWorld, type ConsoleWorld } from './console-harness.js';

/**
 * The Access events page as an auditor uses it: the note that reading is recorded, filters, "Show more", who
 * opened a door, and the change-log entries the reads left; what a user manager is shown; accessibility in
 * English and Danish. The events are uploaded by a lock as the access API takes them.
 */
describe('the Access events page of the console', () => {
  let world: ConsoleWorld;
  let tenant: TenantDoc;
  let auditor: { email: string; id: string };
  let manager: { email: string; id: string };
  let cleo: { email: string; id: string };
  let dan: { email: string; id: string };
  let admin: { email: string; id: string };
  const hour = 3_600_000;
  // Whole minutes, as a datetime-local input takes them; the browser runs in this process's time zone.
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const wallClock = (at: number) => new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

  const readsOf = async (userId: string) =>
    (await world.idp.services.changeLog.list(tenant._id, { subjectId: userId, action: 'access_events.read' }, { limit: 200 })).items.length;
  const rowsShown = async (page: Page) => (await page.getByRole('region', { name: 'Events, newest first' }).getByRole('row').count()) - 1;

  beforeAll(async () => {
    world = await startConsoleWorld();
    const { services } = world.idp;
    tenant = await asSetup(() => services.tenants.create({ slug: 'gatehouse', name: 'Gatehouse' }));
    const lab = await asSetup(() => services.doors.create(tenant._id, { key: 'lab', name: 'Lab' }));
    await asSetup(() => services.doors.create(tenant._id, { key: 'front-door', name: 'Front door' }));
    auditor = await createPerson(world.idp, tenant, 'aud', ['auditor']);
    admin = await createPerson(world.idp, tenant, 'ada', ['tenant_admin']);
    manager = await createPerson(world.idp, tenant, 'max', ['user_manager']);
    cleo = await createPerson(world.idp, tenant, 'cleo', []);
    dan = await createPerson(world.idp, tenant, 'dan', []);
    // Cleo may open the lab (and does, below); Dan may not.
    await asSetup(() => services.doorPermissions.grant(tenant._id, { doorId: lab._id, holderType: 'user', holderId: cleo.id }));
    const jwk = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)) };
    const view = await asSetup(() => services.locks.create(tenant._id, { name: 'Gate lock', doors: ['lab', 'front-door'], jwk }));
    const lock = (await world.idp.db.models.locks.findOne({ tenantId: tenant._id, _id: view._id }).lean())!;
    // 55 openings of the lab by Cleo (more than one page of 50), one denied attempt at the front door by Dan.
    const events = Array.from({ length: 55 }, (_, i) => ({ id: `lab-${i}`, door: 'lab', subject: { user_id: cleo.id }, time: new Date(now - (i + 2) * hour).toISOString(), result: 'opened', method: 'card' }));
    events.push({ id: 'front-1', door: 'front-door', subject: { user_id: dan.id }, time: new Date(now - hour).toISOString(), result: 'denied', method: 'pin' });
    const uploaded = await asSetup(() => services.accessEventIngest.upload(tenant._id, lock, events));
    if (uploaded.accepted !== events.length) throw new Error(`access events not stored: ${JSON.stringify(uploaded)}`);
  }, 60_000);
  afterAll(() => world?.close());

  it('says that reading is recorded, lists the newest events first, and shows more on request', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', auditor.email, 'en', 'access-events');
    await expect(page.getByText(/Your look at this history is recorded in each person's change log/).count()).resolves.toBe(1);
    const list = page.getByRole('region', { name: 'Events, newest first' });
    await list.getByRole('row').nth(1).waitFor();
    await expect(list.getByRole('row').nth(1).textContent()).resolves.toContain(dan.id);
    await expect(rowsShown(page)).resolves.toBe(50);
    await page.getByRole('button', { name: 'Show more' }).click();
    await page.getByRole('status').filter({ hasText: '56 events shown.' }).waitFor();
    await expect(page.getByRole('button', { name: 'Show more' }).count()).resolves.toBe(0);
    await expect(readsOf(dan.id)).resolves.toBeGreaterThan(0);
    await context.close();
  });

  it('filters by door, person and result', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', auditor.email, 'en', 'access-events');
    const filters = page.getByRole('form', { name: 'Filter' });
    await filters.getByLabel('Result').selectOption({ label: 'Denied' });
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: '1 events shown.' }).waitFor();
    await expect(page.getByRole('region', { name: 'Events, newest first' }).textContent()).resolves.toMatch(/front-door.*Denied/);

    await filters.getByRole('button', { name: 'Reset' }).click();
    await filters.getByLabel('Door').fill('lab');
    await filters.getByLabel('Person').fill(cleo.id);
    await filters.getByLabel('From').fill(wallClock(now - 4.5 * hour));
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: '3 events shown.' }).waitFor();
    await expect(page.getByRole('region', { name: 'Events, newest first' }).textContent()).resolves.not.toContain(dan.id);
    await context.close();
  });

  it('answers who opened a door between two times, and the read is in that person’s change log', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', auditor.email, 'en', 'access-events');
    const before = await readsOf(cleo.id);
    const form = page.getByRole('form', { name: 'Who opened a door' });
    await form.getByLabel('Door').fill('lab');
    await form.getByLabel('From').fill(wallClock(now - 10.5 * hour));
    await form.getByLabel('Until (not included)').fill(wallClock(now + hour));
    await form.getByRole('button', { name: 'Show who opened it' }).click();
    const row = form.getByRole('row').filter({ has: page.getByRole('rowheader', { name: cleo.id }) });
    // Cleo's lab openings were 2, 3, … hours ago: those from 2 to 10 hours ago fall in the range.
    const inRange = Array.from({ length: 55 }, (_, i) => now - (i + 2) * hour).filter((at) => at >= now - 10.5 * hour).length;
    await expect(row.getByRole('cell').first().textContent()).resolves.toBe(String(inRange));
    await expect(form.textContent()).resolves.not.toContain(dan.id);
    await expect(readsOf(cleo.id)).resolves.toBeGreaterThan(before);
    await context.close();
  });

  it('counts the attempts per door and UTC day, naming no one', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', auditor.email, 'en', 'access-events');
    const form = page.getByRole('form', { name: 'Attempts per door and day' });
    await form.getByLabel('From').fill(wallClock(now - 30.5 * hour));
    await form.getByLabel('Until (not included)').fill(wallClock(now + hour));
    await form.getByRole('button', { name: 'Show counts' }).click();
    await form.getByRole('rowheader').first().waitFor();
    const expected = new Map<string, [number, number]>();
    const count = (door: string, at: number, opened: boolean) => {
      const key = `${new Date(at).toISOString().slice(0, 10)}${door}`;
      const [ok, not] = expected.get(key) ?? [0, 0];
      expected.set(key, opened ? [ok + 1, not] : [ok, not + 1]);
    };
    Array.from({ length: 55 }, (_, i) => now - (i + 2) * hour).filter((at) => at >= now - 30.5 * hour).forEach((at) => count('lab', at, true));
    count('front-door', now - hour, false);
    const rows = (await form.getByRole('row').allTextContents()).slice(1);
    expect(rows.sort()).toEqual([...expected].map(([key, [ok, not]]) => `${key}${ok}${not}`).sort());
    await expect(form.textContent()).resolves.not.toContain(cleo.id);
    await context.close();
  });

  it('warns before exporting the filtered events as CSV, downloads them, and the export is in the person’s change log', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', auditor.email, 'en', 'access-events');
    const filters = page.getByRole('form', { name: 'Filter' });
    await filters.getByLabel('Result').selectOption({ label: 'Denied' });
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: '1 events shown.' }).waitFor();
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Download the access events as CSV?' });
    await expect(dialog.textContent()).resolves.toContain('The file holds personal data');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('access-events-gatehouse.csv');
    const lines = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toContain('user_id');
    expect(lines.slice(1).map((line) => [line.includes(dan.id), line.includes('denied')])).toEqual([[true, true]]);
    await page.getByRole('status').filter({ hasText: ACCESS_EVENT_EXPORT_WARNING }).waitFor();
    const exported = await world.idp.services.changeLog.list(tenant._id, { subjectId: dan.id, action: 'access_events.exported' }, { limit: 10 });
    expect(exported.items).toHaveLength(1);
    await context.close();
  });

  it('shows an admin the person behind each event, and narrows the list to one person from it', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', admin.email, 'en', 'access-events');
    const usersAsked: string[] = [];
    page.on('request', (request) => void (/\/users(\/|\?)/.test(request.url()) && usersAsked.push(request.url())));
    await page.reload();
    const list = page.getByRole('region', { name: 'Events, newest first' });
    const newest = list.getByRole('row').nth(1);
    await newest.getByText('dan', { exact: true }).waitFor();
    // The two people of the first 50 events are read together, not once per row.
    expect(usersAsked.map((url) => new URL(url).searchParams.get('ids')?.split(',').sort())).toEqual([[cleo.id, dan.id].sort()]);
    await expect(newest.textContent()).resolves.toContain(dan.email);
    await expect(list.getByRole('row').nth(2).textContent()).resolves.toContain('cleo');
    await newest.getByRole('button', { name: `Show only the events of ${dan.id}` }).click();
    await page.getByRole('status').filter({ hasText: '1 events shown.' }).waitFor();
    await expect(page.getByRole('form', { name: 'Filter' }).getByLabel('Person').inputValue()).resolves.toBe(dan.id);
    await context.close();
  });

  it('shows an auditor, who may not read users, the user id said to be one', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', auditor.email, 'en', 'access-events');
    const newest = page.getByRole('region', { name: 'Events, newest first' }).getByRole('row').nth(1);
    await newest.getByRole('button', { name: `Show only the events of ${dan.id}` }).waitFor();
    await expect(newest.textContent()).resolves.toContain(`user id ${dan.id}`);
    await expect(newest.textContent()).resolves.not.toContain(dan.email);
    await context.close();
  });

  it('answers an admin who opened a door by name, and leads to who could open it', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', admin.email, 'en', 'access-events');
    const form = page.getByRole('form', { name: 'Who opened a door' });
    // An admin, who may read the doors, chooses among them.
    await form.getByRole('combobox', { name: 'Door' }).selectOption('lab');
    await form.getByLabel('From').fill(wallClock(now - 10.5 * hour));
    await form.getByLabel('Until (not included)').fill(wallClock(now + hour));
    await form.getByRole('button', { name: 'Show who opened it' }).click();
    await form.getByRole('rowheader').filter({ hasText: cleo.email }).waitFor();
    await form.getByRole('link', { name: 'Who could open lab at a given moment' }).click();
    await page.getByRole('heading', { level: 1, name: 'Door access' }).waitFor();
    expect(new URL(page.url()).searchParams.get('door')).toBe('lab');
    const door = page.getByLabel('Door', { exact: true });
    await door.locator('option[value="lab"]').waitFor({ state: 'attached' });
    await expect(door.inputValue()).resolves.toBe('lab');
    await context.close();
  });

  it('answers an auditor who could open a door, by user id, beside who did', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', auditor.email, 'en', 'access-events');
    const form = page.getByRole('form', { name: 'Who could open a door' });
    await form.getByLabel('Door').fill('lab');
    await form.getByRole('button', { name: 'Show who could open it' }).click();
    const row = form.getByRole('row').filter({ has: page.getByRole('rowheader', { name: cleo.id }) });
    await expect(row.textContent()).resolves.toContain('Own grant');
    await expect(form.getByRole('row').count()).resolves.toBe(2);
    await expect(form.textContent()).resolves.not.toContain(cleo.email);
    await context.close();
  });

  it("shows an admin a phone's event as the device of its person, found in one request, and an auditor its pseudonym", async () => {
    const { services } = world.idp;
    const jwk = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)) };
    const phone = (await asSetup(() => services.devices.register(tenant._id, dan.id, { label: "Dan's phone", jwk })))._id;
    const lock = (await world.idp.db.models.locks.findOne({ tenantId: tenant._id }).lean())!;
    const byPhone = [
      { id: 'phone-1', door: 'front-door', subject: { device_id: phone }, time: new Date(now - 0.5 * hour).toISOString(), result: 'opened', method: 'phone' },
      { id: 'phone-2', door: 'front-door', subject: { device_id: 'dev-of-nobody' }, time: new Date(now - 0.25 * hour).toISOString(), result: 'denied', method: 'phone' },
    ];
    expect(await asSetup(() => services.accessEventIngest.upload(tenant._id, lock, byPhone))).toMatchObject({ accepted: 2 });

    const { page, context } = await signInToConsole(world, 'gatehouse', admin.email, 'en', 'access-events');
    const rows = page.getByRole('region', { name: 'Events, newest first' }).getByRole('row');
    // The page as first opened finishes its own lookup first: only the reloaded page's requests are counted.
    await rows.nth(2).getByText('device of dan', { exact: true }).waitFor();
    const devicesAsked: string[] = [];
    page.on('request', (request) => void (/\/devices\?/.test(request.url()) && devicesAsked.push(request.url())));
    await page.reload();
    await rows.nth(2).getByText('device of dan', { exact: true }).waitFor();
    await expect(rows.nth(1).textContent()).resolves.toContain('device dev-of-nobody');
    expect(devicesAsked.map((url) => new URL(url).searchParams.get('ids')?.split(',').sort())).toEqual([[phone, 'dev-of-nobody'].sort()]);
    // Dan's history holds his phone's opening as his.
    await rows.nth(2).getByRole('button', { name: `Show only the events of ${dan.id}` }).click();
    await page.getByRole('status').filter({ hasText: '2 events shown.' }).waitFor();
    await expect(rows.nth(1).textContent()).resolves.toContain(dan.email);
    await context.close();

    const asAuditor = await signInToConsole(world, 'gatehouse', auditor.email, 'en', 'access-events');
    const auditorAsked: string[] = [];
    asAuditor.page.on('request', (request) => void (/\/devices\?/.test(request.url()) && auditorAsked.push(request.url())));
    await asAuditor.page.reload();
    const seen = asAuditor.page.getByRole('region', { name: 'Events, newest first' }).getByRole('row').nth(2);
    await seen.getByText(`device ${phone}`).waitFor();
    await expect(seen.textContent()).resolves.not.toContain('device of');
    expect(auditorAsked).toEqual([]);
    await asAuditor.context.close();
  });

  it('does not offer a user manager the page, as the API lets them not read access history', async () => {
    const { page, context } = await signInToConsole(world, 'gatehouse', manager.email);
    await expect(page.getByRole('navigation').getByRole('link').allTextContents()).resolves.not.toContain('Access events');
    await context.close();
  });

  it.each([
    ['en', 'Access events'],
    ['da', 'Adgangshændelser'],
  ])('has no serious accessibility violations in %s', async (locale, title) => {
    const { page, problems, context } = await signInToConsole(world, 'gatehouse', auditor.email, locale, 'access-events');
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.locator('table').first().waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await consoleScreenshot(page, 'access-events', locale);
    expect(problems.filter((p) => /CSP|Refused to|Uncaught/.test(p))).toEqual([]);
    await context.close();
  });
});
