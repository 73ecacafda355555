import * as client from 'openid-client';
import { Browser } from '../support/browser.js';
import { startFakeUpstream, signInThrough, type FakeUpstream, type Misbehaviour } from '../support/fake-upstream.js';
import { asSetup, createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { discoverClient } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/**
 * The ID token of an upstream OpenID provider is believed only when everything about it is right: signed by a
 * key the provider publishes, for us, by that provider, for this sign-in, still valid. Anything else ends on a
 * page in the person's language, with no user created, linked or signed in.
 */
describe('the checks on an upstream provider’s answer', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let upstream: FakeUpstream;
  let app: client.Configuration;
  let upstreamId: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'down-checks');
    upstream = await startFakeUpstream();
    const created = await idp.services.upstreamIdps.create(fixture.tenant._id, {
      name: 'Fake',
      issuer: upstream.issuer,
      clientId: upstream.clientId,
      clientSecret: upstream.clientSecret,
      jitCreate: true,
    });
    upstreamId = created._id;
    app = await discoverClient(idp.baseUrl, fixture);
  });

  afterAll(async () => {
    await upstream?.close();
    await idp?.close();
  });

  beforeEach(() => {
    upstream.misbehave = 'none';
    upstream.person = { sub: 'upstream-person-1', email: 'pat@fake.test' };
  });

  const signInUpstream = (browser?: Browser) => signInThrough(app, upstreamId, browser);

  const linksOf = () => idp.db.models.federatedIdentities.find({ tenantId: fixture.tenant._id }).lean();
  const usersNamed = async (email: string) => (await idp.services.users.list(fixture.tenant, { email, limit: 10 })).items;

  /** A later authorization request of the same browser still asks for a password: nobody was signed in. */
  async function signedOut(browser: Browser): Promise<boolean> {
    const request = client.buildAuthorizationUrl(app, { redirect_uri: REDIRECT_URI, scope: 'openid', state: client.randomState(), code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const { url, res } = await browser.follow(request.href, REDIRECT_URI);
    return !url.startsWith(REDIRECT_URI) && (await res.text()).includes('name="password"');
  }

  it('signs in with a correct ID token, creating and linking the user once, and tells the app it was federated', async () => {
    const end = await signInUpstream();
    expect(end.url.startsWith(REDIRECT_URI)).toBe(true);
    // The app learns that the person was signed in upstream, in a class discovery lists.
    const claims = (await end.tokens()).claims()!;
    expect([claims.amr, claims.acr]).toEqual([['fed'], 'urn:doorway:acr:fed']);
    expect(app.serverMetadata().acr_values_supported).toContain(claims.acr);
    const [user] = await usersNamed(upstream.person.email);
    expect(user).toMatchObject({ name: 'Pat Upstream', emailVerified: true });
    expect((await linksOf()).map((l) => [l.issuer, l.subject, l.userId])).toEqual([[upstream.issuer, upstream.person.sub, user!.id]]);
    expect((await signInUpstream()).url.startsWith(REDIRECT_URI)).toBe(true);
    expect((await usersNamed(upstream.person.email)).map((u) => u.id)).toEqual([user!.id]);
    expect(await linksOf()).toHaveLength(1);
  });

  const refusals: [string, Misbehaviour][] = [
    ['signed by a key the provider does not publish', 'foreignKey'],
    ['whose nonce is not the one this sign-in sent', 'nonce'],
    ['issued by another issuer', 'issuer'],
    ['issued for another client', 'audience'],
    ['that has expired', 'expired'],
    ['that is not signed at all (alg none)', 'algNone'],
  ];

  it.each(refusals)('refuses an ID token %s, on a page, creating, linking and signing in no one', async (_, misbehaviour) => {
    upstream.misbehave = misbehaviour;
    // Someone not known here yet: a token let through would create and link a user for them.
    upstream.person = { sub: `stranger-${misbehaviour}`, email: `${misbehaviour.toLowerCase()}@fake.test` };
    const linksBefore = await linksOf();
    const end = await signInUpstream();
    expect(end.url.startsWith(REDIRECT_URI)).toBe(false);
    expect(end.res.status).toBe(400);
    expect(end.res.headers.get('content-type')).toContain('text/html');
    expect(end.html).toContain('sign-in service could not be verified.');
    expect(await usersNamed(upstream.person.email)).toEqual([]);
    expect(await linksOf()).toEqual(linksBefore);
    expect(await signedOut(end.browser)).toBe(true);
  });

  it('refuses a sign-in whose token request the provider answers with an error, in the person’s language', async () => {
    upstream.misbehave = 'tokenError';
    upstream.person = { sub: 'stranger-token-error', email: 'token-error@fake.test' };
    const end = await signInUpstream(new Browser({ 'accept-language': 'da-DK' }));
    expect(end.res.status).toBe(400);
    expect(end.html).toContain('lang="da"');
    expect(end.html).not.toContain('sign-in service could not be verified.');
    expect(end.html).toContain('Svaret fra din organisations login-tjeneste kunne ikke bekræftes.');
    expect(await usersNamed(upstream.person.email)).toEqual([]);
    expect(await signedOut(end.browser)).toBe(true);
  });

  it('refuses an answer that names another issuer than the provider asked (RFC 9207), creating no one', async () => {
    upstream.misbehave = 'responseIssuer';
    upstream.person = { sub: 'stranger-response-issuer', email: 'response-issuer@fake.test' };
    const end = await signInUpstream();
    expect(end.res.status).toBe(400);
    expect(end.html).toContain('sign-in service could not be verified.');
    expect(await usersNamed(upstream.person.email)).toEqual([]);
  });

  it('says a token endpoint that fails with a server error cannot be used right now, creating no one', async () => {
    upstream.misbehave = 'tokenServerError';
    upstream.person = { sub: 'stranger-token-500', email: 'token-500@fake.test' };
    const end = await signInUpstream();
    expect(end.res.status).toBe(502);
    expect(end.html).toContain('sign-in service cannot be reached right now.');
    expect(await usersNamed(upstream.person.email)).toEqual([]);
    expect(await signedOut(end.browser)).toBe(true);
  });

  it('takes another subject with the same email for another person: it reaches neither the account nor a link', async () => {
    const [linked] = await usersNamed(upstream.person.email);
    expect(linked).toBeDefined();
    upstream.person = { ...upstream.person, sub: 'upstream-person-2' };
    const end = await signInUpstream();
    expect(end.res.status).toBe(409);
    expect(end.html).toContain('An account with your email address already exists here');
    expect((await linksOf()).map((l) => [l.subject, l.userId])).toEqual([['upstream-person-1', linked!.id]]);
    expect(await signedOut(end.browser)).toBe(true);

    // Without creation at first sign-in, such a person has no account here.
    await asSetup(() => idp.services.upstreamIdps.update(fixture.tenant._id, upstreamId, { jitCreate: false }));
    const refused = await signInUpstream();
    expect(refused.res.status).toBe(403);
    expect(refused.html).toContain('You have no account here yet.');
    await asSetup(() => idp.services.upstreamIdps.update(fixture.tenant._id, upstreamId, { jitCreate: true }));
  });
});
