import * as client from 'openid-client';
import { startFakeUpstream, signInThrough, type FakeUpstream } from '../support/fake-upstream.js';
import { asSetup, createTenantFixture, REDIRECT_URI, type TenantFixture } from '../support/fixtures.js';
import { discoverClient } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const DISCOVERY = '/upstream/.well-known/openid-configuration';
const JWKS = '/upstream/jwks';

/**
 * An upstream provider's discovery document and keys are kept (README: "Upstream OpenID providers"): the next
 * sign-in does not fetch them again, and a change of the provider here is used at its next sign-in.
 */
describe('upstream provider metadata, kept between sign-ins', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let first: FakeUpstream;
  let second: FakeUpstream;
  let app: client.Configuration;
  let upstreamId: string;
  const fetched = (upstream: FakeUpstream) => ({ discovery: upstream.requests.get(DISCOVERY) ?? 0, jwks: upstream.requests.get(JWKS) ?? 0, tokens: upstream.requests.get('/upstream/token') ?? 0 });

  beforeAll(async () => {
    idp = await startTestIdp();
    fixture = await createTenantFixture(idp.services, 'kept-metadata');
    [first, second] = [await startFakeUpstream(), await startFakeUpstream()];
    second.person = { sub: 'elsewhere-1', email: 'pat@elsewhere.test' };
    const input = { name: 'Fake', issuer: first.issuer, clientId: first.clientId, clientSecret: first.clientSecret, jitCreate: true };
    upstreamId = (await asSetup(() => idp.services.upstreamIdps.create(fixture.tenant._id, input)))._id;
    app = await discoverClient(idp.baseUrl, fixture);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await idp?.close();
  });

  it('fetches discovery and keys at the first sign-in only', async () => {
    expect((await signInThrough(app, upstreamId)).url.startsWith(REDIRECT_URI)).toBe(true);
    expect(fetched(first)).toEqual({ discovery: 1, jwks: 1, tokens: 1 });
    expect((await signInThrough(app, upstreamId)).url.startsWith(REDIRECT_URI)).toBe(true);
    expect((await signInThrough(app, upstreamId)).url.startsWith(REDIRECT_URI)).toBe(true);
    expect(fetched(first)).toEqual({ discovery: 1, jwks: 1, tokens: 3 });
  });

  it('uses a changed issuer at the next sign-in, and no longer the old one', async () => {
    await asSetup(() => idp.services.upstreamIdps.update(fixture.tenant._id, upstreamId, { issuer: second.issuer }));
    const end = await signInThrough(app, upstreamId);
    expect(end.url.startsWith(REDIRECT_URI)).toBe(true);
    expect(fetched(second)).toEqual({ discovery: 1, jwks: 1, tokens: 1 });
    expect(fetched(first)).toEqual({ discovery: 1, jwks: 1, tokens: 3 });
    const links = await idp.db.models.federatedIdentities.find({ tenantId: fixture.tenant._id }).sort({ createdAt: 1 }).lean();
    expect(links.map((l) => [l.issuer, l.subject])).toEqual([
      [first.issuer, first.person.sub],
      [second.issuer, 'elsewhere-1'],
    ]);
  });

  it('fetches a provider’s metadata again after it was changed here, even when its issuer stays', async () => {
    await asSetup(() => idp.services.upstreamIdps.update(fixture.tenant._id, upstreamId, { clientSecret: second.clientSecret }));
    expect((await signInThrough(app, upstreamId)).url.startsWith(REDIRECT_URI)).toBe(true);
    expect(fetched(second)).toEqual({ discovery: 2, jwks: 2, tokens: 2 });
  });
});
