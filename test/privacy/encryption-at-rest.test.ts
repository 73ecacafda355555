import { EJSON } from 'bson';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { personWithDataEverywhere, SETUP_TIMEOUT_MS, type Person } from './privacy-fixture.js';

/** Every document of every collection, as the database holds it, as text. */
async function rawDocuments(idp: TestIdp): Promise<{ collection: string; text: string }[]> {
  const db = idp.db.connection.db!;
  const found: { collection: string; text: string }[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    for (const doc of await db.collection(name).find({}).toArray()) found.push({ collection: name, text: EJSON.stringify(doc) });
  }
  return found;
}

describe('personal data at rest', () => {
  let idp: TestIdp;
  let acme: TenantFixture;
  let person: Person;

  beforeAll(async () => {
    idp = await startTestIdp();
    acme = await createTenantFixture(idp.services, 'acme');
    person = await personWithDataEverywhere(idp, acme, 'atrest');
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it('has data about the person in the collections the registry names', async () => {
    const collections = new Set((await rawDocuments(idp)).filter((d) => d.text.includes(person.id)).map((d) => d.collection));
    for (const name of ['users', 'oidc_entries', 'door_permissions', 'invitations', 'account_tokens', 'mfa_factors', 'mfa_challenges', 'change_log']) {
      expect(collections).toContain(name);
    }
  });

  it('seals the payloads of sign-ins in progress, which hold what the app sent about the person', async () => {
    const interactions = await idp.db.models.oidcEntries.find({ tenantId: acme.tenant._id, kind: 'Interaction' }).lean();
    expect(interactions.length).toBeGreaterThanOrEqual(2);
    for (const entry of interactions) expect(entry.payload).toMatch(/^v1\./);
    // The one started in the signed-in browser names the account, so ending the account's sessions ends it too.
    expect(interactions.filter((e) => e.accountId === person.id)).toHaveLength(1);
  });

  it('holds none of their email, names or phone number in clear, in any document of any collection', async () => {
    const values = [...Object.values(person.values), acme.user.email!, acme.user.name!];
    const leaks = (await rawDocuments(idp)).flatMap(({ collection, text }) =>
      values.filter((v) => text.toLowerCase().includes(v.toLowerCase())).map((v) => `${collection}: ${v}`),
    );
    expect(leaks).toEqual([]);
  });

  it('stores no ID token or other JWT, whose payload would carry the name and email in base64', async () => {
    const jwts = (await rawDocuments(idp)).filter(({ text }) => /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./.test(text)).map((d) => d.collection);
    expect(jwts).toEqual([]);
  });

  it('finds a user by email through the blind index, without the address being stored', async () => {
    const page = await idp.services.users.list(acme.tenant, { email: person.values.email, limit: 5 });
    expect(page.items.map((u) => u.id)).toEqual([person.id]);
    expect(page.items[0]).toMatchObject({ name: person.values.name, phone: person.values.phone });
  });
});
