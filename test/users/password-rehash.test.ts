import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { attempt } from '../support/sign-in-pages.js';

/** The cost an argon2 hash was made with, read from its PHC string (`$argon2id$v=19$m=…,p=…,t=…$salt$hash`). */
function costOf(hash: string): { memoryCost: number; timeCost: number; parallelism: number } {
  const [, type, , params] = hash.split('$');
  if (type !== 'argon2id' || !params) throw new Error(`not an argon2id hash: ${hash.slice(0, 30)}`);
  const p = Object.fromEntries(params.split(',').map((kv) => kv.split('=') as [string, string]));
  return { memoryCost: Number(p.m), timeCost: Number(p.t), parallelism: Number(p.p) };
}

/**
 * Raising the argon2 cost in the configuration upgrades each stored hash at its owner's next sign-in: the
 * password is only in clear then. Two deployments of one database stand for before and after the change.
 */
describe('argon2 parameters raised in the configuration', () => {
  const defaults = loadConfig({}).argon2;
  let before: TestIdp;
  let after: TestIdp;
  let fixture: TenantFixture;

  beforeAll(async () => {
    const masterKey = randomBytes(32);
    // startTestIdp's own cost (t=1, 8 MiB) is the old configuration; the new one is the default.
    before = await startTestIdp({ masterKey });
    after = await startTestIdp({
      masterKey,
      database: before.testDatabase,
      env: { ARGON2_MEMORY_KIB: String(defaults.memoryCost), ARGON2_TIME_COST: String(defaults.timeCost), ARGON2_PARALLELISM: String(defaults.parallelism) },
    });
    fixture = await createTenantFixture(before.services, 'rehash');
  });
  afterAll(async () => {
    await after.close();
    await before.close();
  });

  const person = (name: string) => asSetup(() => before.services.users.create(fixture.tenant, { email: `${name}@rehash.test`, password: PASSWORD, name }));
  const storedHash = async (id: string) => (await after.db.models.users.findOne({ tenantId: fixture.tenant._id, _id: id }).lean())!.passwordHash!;
  const rehashEntries = async (id: string) => (await after.services.changeLog.entriesAbout(fixture.tenant._id, id)).filter((e) => e.action === 'user.password_rehashed');

  it('upgrades a hash made with the old cost at the next sign-in, as the person, field named', async () => {
    const user = await person('olle');
    expect(costOf(await storedHash(user.id))).toEqual(before.config.argon2);
    expect(before.config.argon2.timeCost).toBeLessThan(defaults.timeCost);

    const { tokens } = await signIn(await discoverClient(after.baseUrl, fixture), { email: user.email! });
    expect(tokens.claims()?.sub).toBe(user.id);

    expect(costOf(await storedHash(user.id))).toEqual(defaults);
    const entries = await rehashEntries(user.id);
    expect(entries.map((e) => ({ actor: e.actor, subjectType: e.subjectType, fields: e.fields }))).toEqual([{ actor: `user:${user.id}`, subjectType: 'user', fields: ['passwordHash'] }]);
    // The new hash is of the same password: the next sign-in works, and upgrades nothing more.
    await signIn(await discoverClient(after.baseUrl, fixture), { email: user.email! });
    expect(await rehashEntries(user.id)).toHaveLength(1);
  });

  it('leaves the hash alone when the password is wrong', async () => {
    const user = await person('pia');
    const old = await storedHash(user.id);
    const answer = await attempt(after.baseUrl, fixture, user.email!, 'not-the-password-at-all');
    expect(answer.status).toBe(400);
    expect(await storedHash(user.id)).toBe(old);
    expect(await rehashEntries(user.id)).toEqual([]);
  });
});
