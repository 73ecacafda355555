import { type AdminCall, type AdminWorld, setUpAdminWorld } from '../support/admin.js';
import { asSetup, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { type TestIdp } from '../support/test-idp.js';

/** One live user per email and tenant, also when the requests that would make two arrive at once. */
describe('one user per email', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: AdminCall;
  let tokens: AdminWorld['tokens'];

  beforeAll(async () => {
    ({ idp, a, call, tokens } = await setUpAdminWorld());
  });
  afterAll(() => idp.close());

  const create = (email: string, name = 'Twin') => call('POST', '/tenants/tenant-a/users', tokens.adminA, { email, name });
  const holders = async (email: string) => (await call('GET', `/tenants/tenant-a/users?email=${encodeURIComponent(email)}`, tokens.adminA)).body.items;

  it('creates exactly one of concurrent users with one email, answering the others 409 problem+json', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => create('twin@tenant-a.test')));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of answers.filter((r) => r.status === 409)) expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await holders('twin@tenant-a.test')).toHaveLength(1);
  });

  it('lets exactly one of concurrent email changes to one address win, and its user signs in with it', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const user = await asSetup(() => idp.services.users.create(a.tenant, { email: `mover-${i}@tenant-a.test`, password: PASSWORD, name: `Mover ${i}` }));
      ids.push(user.id);
    }
    const answers = await Promise.all(ids.map((id) => call('PATCH', `/tenants/tenant-a/users/${id}`, tokens.adminA, { email: 'target@tenant-a.test' })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, ...Array<number>(7).fill(409)]);
    const [holder] = await holders('target@tenant-a.test');
    expect(holder.id).toBe(ids[answers.findIndex((r) => r.status === 200)]);
    const { tokens: signedIn } = await signIn(await discoverClient(idp.baseUrl, a), { email: 'target@tenant-a.test' });
    expect(signedIn.claims()?.sub).toBe(holder.id);
  });

  it('frees the email of an erased user and of an anonymized one', async () => {
    const erased = await create('gone@tenant-a.test');
    expect((await call('DELETE', `/tenants/tenant-a/users/${erased.body.id}`, tokens.adminA)).status).toBe(204);
    expect((await create('gone@tenant-a.test')).status).toBe(201);

    const faded = await create('faded@tenant-a.test');
    const other = await create('faded-too@tenant-a.test');
    expect(await asSetup(() => idp.services.users.anonymize(a.tenant, faded.body.id))).toBe(true);
    // A second anonymized user of the tenant: neither holds an email, and they do not collide.
    expect(await asSetup(() => idp.services.users.anonymize(a.tenant, other.body.id))).toBe(true);
    expect((await create('faded@tenant-a.test')).status).toBe(201);
  });
});
