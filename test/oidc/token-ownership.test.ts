import * as client from 'openid-client';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** Introspection and revocation answer a client about the tokens issued to it, and about no other's. */
describe("a client introspects and revokes its own tokens, never another client's", () => {
  let idp: TestIdp;
  let acme: TenantFixture;
  let appA: client.Configuration;
  let appB: client.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp();
    acme = await createTenantFixture(idp.services, 'owners');
    appA = await discoverClient(idp.baseUrl, acme);
    // Another confidential app of the same tenant, with a secret of its own: a lock back-end, a reporting tool.
    const other = await asSetup(() =>
      idp.services.clients.create(acme.tenant._id, {
        client_id: 'owners-reporting',
        client_name: 'Reporting',
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    );
    appB = await discoverClient(idp.baseUrl, { ...acme, clientId: other.clientId, clientSecret: other.clientSecret! });
  });
  afterAll(() => idp.close());

  it("tells B only `active: false` about A's access and refresh tokens, while A sees them active", async () => {
    const { tokens } = await signIn(appA, { email: acme.user.email! });
    for (const token of [tokens.access_token, tokens.refresh_token!]) {
      expect(await client.tokenIntrospection(appB, token)).toEqual({ active: false });
      expect(await client.tokenIntrospection(appA, token)).toMatchObject({ active: true, client_id: acme.clientId, sub: acme.user.id });
    }
  });

  it("tells B only `active: false` about A's client credentials token, and A about B's", async () => {
    const ofA = await client.clientCredentialsGrant(appA, {});
    const ofB = await client.clientCredentialsGrant(appB, {});
    expect(await client.tokenIntrospection(appB, ofA.access_token)).toEqual({ active: false });
    expect(await client.tokenIntrospection(appA, ofB.access_token)).toEqual({ active: false });
    expect(await client.tokenIntrospection(appA, ofA.access_token)).toMatchObject({ active: true, client_id: acme.clientId });
    expect(await client.tokenIntrospection(appB, ofB.access_token)).toMatchObject({ active: true, client_id: 'owners-reporting' });
  });

  it("refuses B's revocation of A's tokens, which stay active until A revokes them", async () => {
    const { tokens } = await signIn(appA, { email: acme.user.email! });
    for (const token of [tokens.access_token, tokens.refresh_token!]) {
      await expect(client.tokenRevocation(appB, token)).rejects.toMatchObject({ error: 'invalid_request', error_description: 'client is not authorized to revoke the presented token' });
      expect((await client.tokenIntrospection(appA, token)).active).toBe(true);
    }
    await client.tokenRevocation(appA, tokens.refresh_token!);
    expect((await client.tokenIntrospection(appA, tokens.refresh_token!)).active).toBe(false);
    await expect(client.refreshTokenGrant(appA, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
