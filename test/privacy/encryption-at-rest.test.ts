import { ADMIN_API_PREFIX } from '../../src/admin-api/admin-api.js';
import { changeLogIpHash } from '../../src/audit/change-log-input.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { rawDocuments } from '../support/database.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { personWithDataEverywhere, SETUP_TIMEOUT_MS, type Person } from './privacy-fixture.js';

/** An address no loopback test traffic has: if it is anywhere in the database, it came from the header. */
const CLIENT_IP = '198.51.100.23';

describe('personal data at rest', () => {
  let idp: TestIdp;
  let acme: TenantFixture;
  let person: Person;
  let admin: string;
  /** An admin's change to the person, sent through a proxy that names the client's address. */
  const proxiedPatch = (body: object) =>
    fetch(`${idp.baseUrl}${ADMIN_API_PREFIX}/tenants/acme/users/${person.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'x-forwarded-for': CLIENT_IP },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    idp = await startTestIdp({ env: { TRUST_PROXY: 'true' } });
    acme = await createTenantFixture(idp.services, 'acme');
    person = await personWithDataEverywhere(idp, acme, 'atrest');
    admin = await serviceToken(idp, acme.tenant, ['tenant_admin']);
    expect((await proxiedPatch({ locale: 'de' })).status).toBe(200);
    expect((await proxiedPatch({ locale: 'sv' })).status).toBe(200);
  }, SETUP_TIMEOUT_MS);
  afterAll(() => idp.close());

  it('has data about the person in the collections the registry names', async () => {
    const collections = new Set((await rawDocuments(idp.db.connection.db!)).filter((d) => d.text.includes(person.id)).map((d) => d.collection));
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
    const leaks = (await rawDocuments(idp.db.connection.db!)).flatMap(({ collection, text }) =>
      values.filter((v) => text.toLowerCase().includes(v.toLowerCase())).map((v) => `${collection}: ${v}`),
    );
    expect(leaks).toEqual([]);
  });

  it('stores no ID token or other JWT, whose payload would carry the name and email in base64', async () => {
    const jwts = (await rawDocuments(idp.db.connection.db!)).filter(({ text }) => /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./.test(text)).map((d) => d.collection);
    expect(jwts).toEqual([]);
  });

  it('finds a user by email through the blind index, without the address being stored', async () => {
    const page = await idp.services.users.list(acme.tenant, { email: person.values.email, limit: 5 });
    expect(page.items.map((u) => u.id)).toEqual([person.id]);
    expect(page.items[0]).toMatchObject({ name: person.values.name, phone: person.values.phone });
  });

  it("holds the client's address (X-Forwarded-For behind a trusted proxy) in no document of any collection", async () => {
    const found = (await rawDocuments(idp.db.connection.db!)).filter(({ text }) => text.includes(CLIENT_IP)).map((d) => d.collection);
    expect(found).toEqual([]);
  });

  it('shows the change log with a keyed hash of the address instead, the same for both changes, in the API and the export', async () => {
    const auditor = await serviceToken(idp, acme.tenant, ['auditor']);
    const call = adminClient(idp);
    const { body } = await call('GET', `/tenants/acme/change-log?subject=${person.id}&action=user.updated&limit=2`, auditor);
    const [latest, before] = body.items as { ip_hash?: string; ip?: string; fields: string[] }[];
    expect(latest).toMatchObject({ fields: ['locale'], ip_hash: expect.stringMatching(/^[\w-]{22}$/) });
    expect(latest).not.toHaveProperty('ip');
    expect(before!.ip_hash).toBe(latest!.ip_hash);
    // The proxy's client, not the loopback address the request really came from.
    expect(latest!.ip_hash).toBe(changeLogIpHash(idp.masterKey)(acme.tenant._id, CLIENT_IP));
    const exported = await call('GET', `/tenants/acme/change-log/export?subject=${person.id}`, auditor);
    expect(exported.body).toContain(latest!.ip_hash);
    expect(exported.body).not.toContain(CLIENT_IP);
  });
});
