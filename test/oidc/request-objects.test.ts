import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import * as client from 'openid-client';
import { toMetadata } from '../../src/clients/client-registration.js';
import { Browser } from '../support/browser.js';
import { asSetup, createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** Request objects (JAR, RFC 9101) and the `claims` parameter (OIDC Core 5.5), from openid-client over HTTP. */
describe('request objects and the claims parameter', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let config: client.Configuration;
  let issuer: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'jar');
    issuer = `${idp.baseUrl}/t/jar`;
    config = await discoverClient(idp.baseUrl, fixture);
  });
  afterAll(() => idp.close());

  it('advertises request objects and the claims parameter in discovery', () => {
    const metadata = config.serverMetadata();
    expect(metadata.request_parameter_supported).toBe(true);
    expect(metadata.claims_parameter_supported).toBe(true);
    expect(metadata.request_object_signing_alg_values_supported).toEqual(expect.arrayContaining(['HS256', 'ES256']));
    expect(metadata.request_object_signing_alg_values_supported).not.toContain('none');
  });

  it("signs in with a request object signed by a key of the client's registered jwks", async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'app-key', use: 'sig', alg: 'ES256' };
    // Registered as the admin API stores it.
    const registered = await asSetup(() =>
      idp.services.clients.create(
        fixture.tenant._id,
        toMetadata({
          redirect_uris: [REDIRECT_URI],
          post_logout_redirect_uris: [],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_basic',
          service_roles: [],
          jwks: { keys: [jwk] },
          request_object_signing_alg: 'ES256',
        }),
      ),
    );
    const app = await discoverClient(idp.baseUrl, { tenant: fixture.tenant, clientId: registered.clientId, clientSecret: registered.clientSecret! });
    const { tokens } = await signIn(app, {
      email: fixture.user.email!,
      scope: 'openid',
      buildUrl: (parameters) => client.buildAuthorizationUrlWithJAR(app, parameters, { key: privateKey, kid: 'app-key' }),
    });
    expect(tokens.claims()?.sub).toBe(fixture.user.id);

    // Its registered algorithm is the only one accepted, even with a valid signature by its own secret.
    const request = await hs256RequestObject({ redirect_uri: REDIRECT_URI, scope: 'openid' }, registered.clientId, registered.clientSecret!);
    const { url: at } = await new Browser().follow(client.buildAuthorizationUrl(app, { request }).href, REDIRECT_URI);
    expect(new URL(at).searchParams.get('error')).toBe('invalid_request_object');
  });

  it('signs in with a request object signed HS256 with the client secret', async () => {
    const { tokens } = await signIn(config, {
      email: fixture.user.email!,
      scope: 'openid',
      buildUrl: async (parameters) => client.buildAuthorizationUrl(config, { request: await hs256RequestObject(parameters, fixture.clientId, fixture.clientSecret) }),
    });
    expect(tokens.claims()?.sub).toBe(fixture.user.id);
  });

  it('refuses an unsigned request object (alg none)', async () => {
    const unsigned = new UnsecuredJWT({ client_id: fixture.clientId, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid' })
      .setIssuer(fixture.clientId)
      .setAudience(issuer)
      .encode();
    const url = client.buildAuthorizationUrl(config, { request: unsigned });
    // The client has one redirect URI, so the error goes back to the app.
    const { url: at } = await new Browser().follow(url.href, REDIRECT_URI);
    expect(at.startsWith(REDIRECT_URI)).toBe(true);
    expect(new URL(at).searchParams.get('error')).toBe('invalid_request_object');
  });

  it('puts a claim asked for with the claims parameter in the ID token, without its scope', async () => {
    const { tokens } = await signIn(config, {
      email: fixture.user.email!,
      scope: 'openid',
      extra: { claims: JSON.stringify({ id_token: { email: { essential: true } } }) },
    });
    expect(tokens.claims()).toMatchObject({ sub: fixture.user.id, email: 'alice@jar.test' });
    expect(tokens.claims()?.name).toBeUndefined();
  });

  /** What openid-client cannot build (it signs with asymmetric keys only): the parameters signed with the secret. */
  function hs256RequestObject(parameters: Record<string, string>, clientId: string, secret: string): Promise<string> {
    return new SignJWT({ ...parameters, client_id: clientId, response_type: 'code' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(clientId)
      .setAudience(issuer)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
  }
});
