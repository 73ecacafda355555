import { normalizeEmail } from '../../src/crypto/field-cipher.js';
import { translate } from '../../src/i18n/messages.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { queuedMail } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { attempt, openLogin, submitLogin, type Answer } from '../support/sign-in-pages.js';
import { checkedAtOnce } from '../support/sign-in-rush.js';
import { queriesSent, scanningQueries } from '../support/query-plan.js';

const WRONG = 'not-the-password-at-all';

describe('sign-in lockout', () => {
  let idp: TestIdp;
  let strict: TenantFixture;
  let patient: TenantFixture;
  let rush: TenantFixture;
  let call: ReturnType<typeof adminClient>;
  let manager: string;
  let auditor: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    strict = await createTenantFixture(idp.services, 'strict');
    patient = await createTenantFixture(idp.services, 'patient');
    rush = await createTenantFixture(idp.services, 'rush');
    // Set before any request reaches these tenants, so every process reads the settings from the start.
    await idp.services.tenants.update(strict.tenant._id, { settings: { maxFailedLogins: 3 } });
    await idp.services.tenants.update(patient.tenant._id, { settings: { maxFailedLogins: 10 } });
    manager = await serviceToken(idp, strict.tenant, ['user_manager']);
    auditor = await serviceToken(idp, strict.tenant, ['auditor']);
  });
  afterAll(() => idp.close());

  const person = (fixture: TenantFixture, name: string) =>
    asSetup(() => idp.services.users.create(fixture.tenant, { email: `${name}@${fixture.tenant.slug}.test`, password: PASSWORD, name }));
  const statusOf = async (fixture: TenantFixture, id: string) => (await idp.services.users.getById(fixture.tenant, id)).status;
  const failures = async (fixture: TenantFixture, email: string, count: number) => {
    for (let i = 0; i < count; i++) await attempt(idp.baseUrl, fixture, email, WRONG);
  };

  it("locks an account at the tenant's number of failed sign-ins, logged as the lockout's doing", async () => {
    const bo = await person(strict, 'bo');
    const answers: Answer[] = [];
    for (let i = 0; i < 3; i++) answers.push(await attempt(idp.baseUrl, strict, bo.email!, WRONG));
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400]);
    for (const a of answers) expect(a.alert).toBe(translate('en', 'login.error.invalidCredentials'));
    expect(await statusOf(strict, bo.id)).toBe('locked');

    const log = await call('GET', `/tenants/strict/change-log?subject=${bo.id}&action=user.locked`, auditor);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0].actor).toBe('system:lockout');

    // The right password does not lift a lock, nor is it looked at: the account's checks are used up.
    const correct = await attempt(idp.baseUrl, strict, bo.email!, PASSWORD);
    expect(correct.status).toBe(429);
    expect(correct.alert).toBe(translate('en', 'login.error.attempts'));
  });

  it('checks no more passwords than the limit when the attempts arrive at once, and locks the account', async () => {
    const ivy = await person(rush, 'ivy');
    const answers = await checkedAtOnce([idp.baseUrl], rush, ivy.email!, [...Array<string>(11).fill(WRONG), PASSWORD]);
    // 400 and 303 are answers of a checked password; the rest were refused before their password was looked at.
    expect(answers.filter((a) => a.status === 400 || a.status === 303).length).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(7);
    expect(await statusOf(rush, ivy.id)).toBe('locked');
  });

  it('gives the checks back at a successful sign-in', async () => {
    const jo = await person(rush, 'jo');
    await failures(rush, jo.email!, 3);
    expect((await attempt(idp.baseUrl, rush, jo.email!, PASSWORD)).status).toBe(303);
    const again: Answer[] = [];
    for (let i = 0; i < 3; i++) again.push(await attempt(idp.baseUrl, rush, jo.email!, WRONG));
    expect(again.map((a) => a.status)).toEqual([400, 400, 400]);
    expect(await statusOf(rush, jo.id)).toBe('active');
  });

  it('counts and clears through indexes only, so its cost does not grow with the accounts that signed in that day', async () => {
    const kim = await person(patient, 'kim');
    const queries = await queriesSent(idp.db.connection.getClient(), async () => {
      await failures(patient, kim.email!, 2);
      expect((await attempt(idp.baseUrl, patient, kim.email!, PASSWORD)).status).toBe(303);
    });
    expect(queries.filter((q) => q.collection === 'rate_limits').map((q) => q.command)).toEqual(expect.arrayContaining(['find', 'delete']));
    expect(await scanningQueries(idp.db.connection.db!, queries)).toEqual([]);
  });

  it("answers a locked account's right password exactly as a wrong one, confirming nothing", async () => {
    const kai = await person(patient, 'kai');
    await asSetup(() => idp.services.users.setStatus(patient.tenant, kai.id, { from: ['active'], to: 'locked', action: 'user.locked' }));
    const right = await attempt(idp.baseUrl, patient, kai.email!, PASSWORD);
    const wrong = await attempt(idp.baseUrl, patient, kai.email!, WRONG);
    expect({ status: right.status, alert: right.alert }).toEqual({ status: 400, alert: translate('en', 'login.error.invalidCredentials') });
    expect({ status: wrong.status, alert: wrong.alert }).toEqual({ status: right.status, alert: right.alert });
  });

  it('answers for an unknown email exactly as for an existing account, before and after the lock', async () => {
    const cy = await person(strict, 'cy');
    const existing: Answer[] = [];
    const missing: Answer[] = [];
    for (let i = 0; i < 4; i++) {
      existing.push(await attempt(idp.baseUrl, strict, cy.email!, WRONG));
      missing.push(await attempt(idp.baseUrl, strict, 'nobody-here@strict.test', WRONG));
    }
    const seen = (answers: Answer[]) => answers.map((a) => ({ status: a.status, alert: a.alert }));
    expect(seen(existing)).toEqual(seen(missing));
    expect(await statusOf(strict, cy.id)).toBe('locked');
  });

  it('counts an address however it is typed', async () => {
    const di = await person(strict, 'di');
    for (const email of ['di@strict.test', 'DI@Strict.test', ' Di@STRICT.TEST ']) await attempt(idp.baseUrl, strict, email, WRONG);
    expect(await statusOf(strict, di.id)).toBe('locked');
  });

  it('makes every further attempt wait after the third failure, unchecked, for any email alike', async () => {
    const ed = await person(patient, 'ed');
    for (const email of [ed.email!, 'nobody-here@patient.test']) {
      await failures(patient, email, 3);
      // Opened ahead, so that its post follows the fourth failure at once, well within the wait.
      const next = await openLogin(idp.baseUrl, patient);
      await failures(patient, email, 1);
      // Even the right password is not looked at while the wait runs.
      const waiting = await submitLogin(next, email, PASSWORD);
      expect(waiting.status).toBe(429);
      const seconds = Number(waiting.retryAfter);
      expect(seconds).toBeGreaterThan(0);
      expect(waiting.alert).toBe(translate('en', 'login.error.wait', { seconds }));
    }
    expect(await statusOf(patient, ed.id)).toBe('active');
  });

  it('checks the password again once the wait has run out, though its counter is still stored', async () => {
    const fay = await person(patient, 'fay');
    await failures(patient, fay.email!, 4);
    const accountKey = idp.services.keyring.cipherFor(patient.tenant).blindIndex(normalizeEmail(fay.email!), 'email');
    const delay = { key: `signin-delay:${patient.tenant._id}:${accountKey}` };
    const counters = idp.db.connection.collection('rate_limits');
    expect((await attempt(idp.baseUrl, patient, fay.email!, PASSWORD)).status).toBe(429);
    // As the clock would leave it where no TTL index removes it: expired, not yet swept.
    const { modifiedCount } = await counters.updateOne(delay, { $set: { expire: new Date(Date.now() - 1000) } });
    expect(modifiedCount).toBe(1);
    expect((await attempt(idp.baseUrl, patient, fay.email!, PASSWORD)).status).toBe(303);
    expect(await counters.findOne(delay)).toBeNull();
  });

  it("is lifted by an admin unlock, logged as the admin's doing, which also forgets the failures", async () => {
    const fay = await person(strict, 'fay');
    await failures(strict, fay.email!, 3);
    expect(await statusOf(strict, fay.id)).toBe('locked');

    const unlocked = await call('POST', `/tenants/strict/users/${fay.id}/unlock`, manager);
    expect(unlocked.body.status).toBe('active');
    // One entry, naming the admin's service account and only the field that changed.
    const log = await call('GET', `/tenants/strict/change-log?subject=${fay.id}&action=user.unlocked`, auditor);
    expect(log.body.items.map((e: { actor: string; fields: string[] }) => [e.actor, e.fields])).toEqual([[expect.stringMatching(/^service:cli_.+@strict$/), ['status']]]);
    // With the old count still there, one more failure would lock again at once.
    await failures(strict, fay.email!, 1);
    expect(await statusOf(strict, fay.id)).toBe('active');
    const { tokens } = await signIn(await discoverClient(idp.baseUrl, strict), { email: fay.email! });
    expect(tokens.claims()?.sub).toBe(fay.id);
  });

  it("becomes an admin's lock when an admin locks the user again, which a password reset does not lift", async () => {
    const hal = await person(strict, 'hal');
    await failures(strict, hal.email!, 3);
    expect((await idp.services.users.getById(strict.tenant, hal.id)).lockedBy).toBe('lockout');
    const admin = await serviceToken(idp, strict.tenant, ['tenant_admin']);
    expect((await call('POST', `/tenants/strict/users/${hal.id}/lock`, admin)).body.status).toBe('locked');
    expect((await idp.services.users.getById(strict.tenant, hal.id)).lockedBy).toBe('admin');

    const queued = await idp.db.models.mailOutbox.countDocuments({ tenantId: strict.tenant._id, subjectId: hal.id });
    await idp.services.passwordReset.request(strict.tenant, hal.email!, 'en');
    expect(await idp.db.models.mailOutbox.countDocuments({ tenantId: strict.tenant._id, subjectId: hal.id })).toBe(queued);
    expect(await statusOf(strict, hal.id)).toBe('locked');
  });

  it('is lifted by a password reset through email, the self-service way back in', async () => {
    const gus = await person(strict, 'gus');
    await failures(strict, gus.email!, 3);
    expect(await statusOf(strict, gus.id)).toBe('locked');

    await idp.services.passwordReset.request(strict.tenant, gus.email!, 'en');
    const { link } = await queuedMail(idp, strict.tenant, gus.email!);
    const token = link.slice(link.lastIndexOf('/') + 1);
    const newPassword = 'Lantern-Orchard-Velvet-42';
    expect((await idp.services.passwordReset.complete(strict.tenant, token, newPassword, {})).ok).toBe(true);

    expect(await statusOf(strict, gus.id)).toBe('active');
    await failures(strict, gus.email!, 1);
    expect(await statusOf(strict, gus.id)).toBe('active');
    const { tokens } = await signIn(await discoverClient(idp.baseUrl, strict), { email: gus.email!, password: newPassword });
    expect(tokens.claims()?.sub).toBe(gus.id);
  });
});
