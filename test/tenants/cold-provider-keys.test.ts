import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/**
 * Building a tenant's provider loads that tenant's signing keys alone, each by its `_id`: the lookup every
 * server answers from an index. A filter on anything else makes FerretDB v1 decode every tenant's sealed keys.
 */
describe("a cold tenant provider's signing keys", () => {
  let idp: TestIdp;
  let own: TenantFixture;

  beforeAll(async () => {
    idp = await startTestIdp();
    own = await createTenantFixture(idp.services, 'cold-own');
    // Another tenant's keys in the same collection, which the build must not touch.
    await createTenantFixture(idp.services, 'cold-other');
  });
  afterAll(() => idp.close());

  /** The filters of every command on signing_keys while the tenant's JWKS is first served. */
  async function keyReadsOfColdBuild(slug: string): Promise<{ filters: unknown[]; kids: string[] }> {
    idp.pool.invalidate(slug);
    const filters: unknown[] = [];
    const client = idp.db.connection.getClient();
    const listen = (e: { commandName: string; command: Record<string, unknown> }) => {
      if (e.command[e.commandName] === 'signing_keys') filters.push(e.command.filter);
    };
    client.on('commandStarted', listen);
    try {
      const jwks = (await (await fetch(`${idp.baseUrl}/t/${slug}/jwks`)).json()) as { keys: { kid: string }[] };
      return { filters, kids: jwks.keys.map((k) => k.kid) };
    } finally {
      client.off('commandStarted', listen);
    }
  }

  const keyIdsOf = async (tenantId: string) => (await idp.db.models.signingKeys.find({ tenantId }, { _id: 1 }).lean()).map((k) => k._id);

  it('reads each of the tenant’s keys by its _id, and nothing else', async () => {
    const ids = await keyIdsOf(own.tenant._id);
    const { filters, kids } = await keyReadsOfColdBuild('cold-own');
    expect(filters.map((f) => (f as { _id?: string })._id).sort()).toEqual([...ids].sort());
    expect(filters).toEqual(ids.map(() => ({ _id: expect.any(String) })));
    expect(kids.sort()).toEqual((await idp.services.signingKeys.list(own.tenant._id)).map((k) => k.kid).sort());
  });

  it('after a rotation reads the keys the rotation left, retired ones included', async () => {
    await asSetup(() => idp.services.tenants.rotateSigningKeys(own.tenant._id, 3600));
    const ids = await keyIdsOf(own.tenant._id);
    expect(ids).toHaveLength(6);
    const { filters, kids } = await keyReadsOfColdBuild('cold-own');
    expect(filters.map((f) => (f as { _id?: string })._id).sort()).toEqual([...ids].sort());
    expect(kids).toHaveLength(6);
  });
});
