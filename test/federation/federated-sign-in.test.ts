import * as client from 'openid-client';
import type { BrowserContext, Page } from 'playwright-core';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { startRelyingPartyWorld, type RelyingPartyWorld } from '../support/browser-driver.js';

/**
 * Sign-in at one tenant ("down") through another Doorway tenant ("corp") acting as its upstream OpenID
 * provider, in Chromium, from the relying party's authorization request to its token.
 */
/** Alice of tenant corp (test/support/fixtures.ts). */
const EMAIL = 'alice@corp.test';

describe('federated sign-in through an upstream OpenID provider', () => {
  let world: RelyingPartyWorld;
  let corp: TenantFixture;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    world = await startRelyingPartyWorld('down');
    const { idp } = world;
    corp = await createTenantFixture(idp.services, 'corp');
    const registered = await asSetup(() =>
      idp.services.clients.create(corp.tenant._id, {
        client_name: 'Down',
        redirect_uris: [`${idp.publicUrl}/t/down/federation/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid email profile roles',
      }),
    );
    const input = { name: 'Corp', issuer: `${idp.publicUrl}/t/corp`, clientId: registered.clientId, clientSecret: registered.clientSecret!, jitCreate: true };
    await idp.services.upstreamIdps.create(world.fixture.tenant._id, input);
    // A provider that is not there: nothing listens on port 1.
    await idp.services.upstreamIdps.create(world.fixture.tenant._id, { ...input, name: 'Nowhere', issuer: 'http://127.0.0.1:1/t/none' });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await world?.close();
  });

  async function freshPage(): Promise<Page> {
    const context = await world.chromium.newContext({ locale: 'en-GB' });
    contexts.push(context);
    return context.newPage();
  }

  /** The app's authorization request, opened in the page: it lands on the downstream login page. */
  async function startAtApp(page: Page): Promise<{ verifier: string; state: string }> {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(world.oidc, {
      redirect_uri: world.rp.redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    await page.goto(url.href);
    return { verifier, state };
  }

  /** Through the upstream's pages as a person: its login (as `email`), its consent, then ours, until the app. */
  async function throughUpstream(page: Page, email: string): Promise<void> {
    for (let step = 0; step < 6 && !page.url().startsWith(world.rp.redirectUri); step++) {
      const before = page.url();
      if (await page.locator('input[name="password"]').count()) {
        await page.fill('#email', email);
        await page.fill('#password', PASSWORD);
        await page.locator('form[action$="/login"] button[type="submit"]').click();
      } else if (await page.locator('form[action$="/confirm"]').count()) {
        await page.locator('form[action$="/confirm"] button.btn-primary').click();
      } else {
        return;
      }
      await page.waitForURL((u) => u.href !== before);
    }
  }

  async function signInThroughCorp(page: Page, email = EMAIL) {
    const { verifier, state } = await startAtApp(page);
    await page.getByRole('link', { name: 'Sign in with Corp' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/t/corp/'));
    await throughUpstream(page, email);
    const tokens = await client.authorizationCodeGrant(world.oidc, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
    return tokens.claims()!;
  }

  const usersWithEmail = (email: string) => world.idp.services.users.list(world.fixture.tenant, { email, limit: 10 });

  it('creates the user at the first sign-in, links the next one to the same user, and says it was federated', async () => {
    const first = await signInThroughCorp(await freshPage());
    expect(first.amr).toEqual(['fed']);
    expect(first.acr).toBe('urn:doorway:acr:fed');
    const { items } = await usersWithEmail(EMAIL);
    expect(items.map((u) => u.id)).toEqual([first.sub]);
    expect(items[0]).toMatchObject({ name: 'Alice Andersen', emailVerified: true });

    const second = await signInThroughCorp(await freshPage());
    expect(second.sub).toBe(first.sub);
    expect((await usersWithEmail(EMAIL)).items).toHaveLength(1);

    const entries = await world.idp.db.models.changeLog.find({ tenantId: world.fixture.tenant._id, subjectId: first.sub }).sort({ seq: 1 }).lean();
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['user.created', `user:${first.sub}`],
      ['user.federation_linked', `user:${first.sub}`],
    ]);
    const exported = await asSetup(() => world.idp.services.subjectExport.export(world.fixture.tenant, first.sub));
    expect(exported).toMatchObject({ federated_identities: [{ issuer: `${world.idp.publicUrl}/t/corp`, subject: corp.user.id }] });
  });

  it('gives and takes the roles its rules name from upstream claims at each sign-in, each change in the change log', async () => {
    const { services, db } = world.idp;
    const down = world.fixture.tenant;
    const [corpIdp] = (await services.upstreamIdps.list(down._id)).filter((i) => i.name === 'Corp');
    const roleMappings = [
      { claim: 'roles', value: 'team_lead', role: 'lead' },
      { claim: 'roles', value: 'auditor', role: 'auditing' },
    ];
    await services.upstreamIdps.update(down._id, corpIdp!._id, { scopes: ['email', 'profile', 'roles'], roleMappings });
    const [person] = (await usersWithEmail(EMAIL)).items;
    // Given here by an admin: `auditing` is the provider's to decide, `local_role` is not.
    await asSetup(() => services.users.update(down, person!.id, { roles: ['local_role', 'auditing'] }));
    const entriesAbout = () => db.models.changeLog.find({ tenantId: down._id, subjectId: person!.id, action: 'user.updated' }).sort({ seq: 1 }).lean();
    const before = (await entriesAbout()).length;

    const claims = await signInThroughCorp(await freshPage());
    expect(claims.sub).toBe(person!.id);
    expect((await services.users.getById(down, person!.id)).roles.sort()).toEqual(['lead', 'local_role']);
    const after = await entriesAbout();
    expect(after.slice(before).map((e) => [e.actor, e.fields])).toEqual([[`user:${person!.id}`, ['roles']]]);

    await signInThroughCorp(await freshPage());
    expect(await entriesAbout()).toHaveLength(after.length);
    await services.upstreamIdps.update(down._id, corpIdp!._id, { roleMappings: [] });
  });

  it('refuses an answer whose state is not the one it sent, and the flow is then used up', async () => {
    const page = await freshPage();
    await startAtApp(page);
    let answer: URL | undefined;
    // The upstream's answer is held back on its way to us: the consent is sent, the redirects read, not followed.
    await page.route('**/t/corp/interaction/*/confirm', async (route) => {
      const consented = await route.fetch({ maxRedirects: 0 });
      const resume = new URL(consented.headers().location!, route.request().url());
      const resumed = await page.request.get(resume.href, { maxRedirects: 0 });
      answer = new URL(resumed.headers().location!, resume);
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Held</title>' });
    });
    await page.getByRole('link', { name: 'Sign in with Corp' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/t/corp/'));
    await throughUpstream(page, EMAIL);
    expect(answer?.pathname).toBe('/t/down/federation/callback');
    expect(answer?.searchParams.get('code')).toBeTruthy();
    await page.unroute('**/t/corp/interaction/*/confirm');

    const forged = new URL(answer!);
    forged.searchParams.set('state', 'not-the-state-we-sent');
    const refused = await page.goto(forged.href);
    expect(refused?.status()).toBe(400);
    await expect(page.locator('[role="alert"]').textContent()).resolves.toContain("The answer from your organization's sign-in service could not be verified.");

    const replayed = await page.goto(answer!.href);
    expect(replayed?.status()).toBe(400);
    await expect(page.locator('[role="alert"]').textContent()).resolves.toContain('This sign-in has expired or was already used.');
  });

  it('says in the person’s language that an upstream that does not answer cannot be reached', async () => {
    const context = await world.chromium.newContext({ locale: 'da-DK' });
    contexts.push(context);
    const page = await context.newPage();
    await startAtApp(page);
    const href = await page.getByRole('link', { name: 'Log ind med Nowhere' }).getAttribute('href');
    const answer = await page.goto(new URL(href!, page.url()).href);
    expect(answer?.status()).toBe(502);
    await expect(page.locator('[role="alert"]').textContent()).resolves.toContain('Din organisations login-tjeneste kan ikke nås lige nu.');
  });

  it('does not let a new upstream subject with the same email reach the old account', async () => {
    const before = (await usersWithEmail(EMAIL)).items;
    expect(before).toHaveLength(1);
    // At the upstream, the person's account is replaced: same address, a new `sub`.
    await asSetup(async () => {
      await world.idp.services.users.delete(corp.tenant, corp.user.id);
      await world.idp.services.users.create(corp.tenant, { email: EMAIL, password: PASSWORD, emailVerified: true });
    });
    const page = await freshPage();
    await startAtApp(page);
    await page.getByRole('link', { name: 'Sign in with Corp' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/t/corp/'));
    await throughUpstream(page, EMAIL);
    expect(page.url().startsWith(world.rp.redirectUri)).toBe(false);
    await expect(page.locator('[role="alert"]').textContent()).resolves.toContain('An account with your email address already exists here');
    const links = await world.idp.db.models.federatedIdentities.find({ tenantId: world.fixture.tenant._id }).lean();
    expect(links.map((l) => l.userId)).toEqual([before[0]!.id]);
  });

  it('sends an email of a domain that signs in upstream to its provider, and never checks a password for it here', async () => {
    const { services } = world.idp;
    const down = world.fixture.tenant;
    const [corpIdp] = (await services.upstreamIdps.list(down._id)).filter((i) => i.name === 'Corp');
    await services.upstreamIdps.update(down._id, corpIdp!._id, { emailDomains: ['corp.test'] });
    // A local user of that domain, with a password that would be right.
    await asSetup(() => services.users.create(down, { email: 'bob@corp.test', password: PASSWORD, emailVerified: true }));

    const page = await freshPage();
    await startAtApp(page);
    await page.fill('#email', 'Bob@Corp.test');
    await page.fill('#password', PASSWORD);
    await page.locator('form[action$="/login"] button[type="submit"]').click();
    await page.waitForURL((u) => u.pathname.startsWith('/t/corp/'));
    expect(new URL(page.url()).pathname).toMatch(/^\/t\/corp\/interaction\//);

    // Another domain still signs in with its password here.
    const local = await freshPage();
    await startAtApp(local);
    await local.fill('#email', world.fixture.user.email!);
    await local.fill('#password', PASSWORD);
    await local.locator('form[action$="/login"] button[type="submit"]').click();
    await local.waitForURL((u) => !u.pathname.endsWith('/login') && u.pathname.startsWith('/t/down/'));
    expect(new URL(local.url()).pathname).toMatch(/^\/t\/down\/interaction\/[^/]+$/);
    await expect(local.locator('form[action$="/confirm"]').count()).resolves.toBe(1);
  });

  it('lets a person of a domain whose provider is not required sign in with a password here, and sends them there without one', async () => {
    const { services } = world.idp;
    const down = world.fixture.tenant;
    const [corpIdp] = (await services.upstreamIdps.list(down._id)).filter((i) => i.name === 'Corp');
    await services.upstreamIdps.update(down._id, corpIdp!._id, { emailDomains: ['corp.test'], requireForDomains: false });
    const carl = await asSetup(() => services.users.create(down, { email: 'carl@corp.test', password: PASSWORD, emailVerified: true }));

    const page = await freshPage();
    const { verifier, state } = await startAtApp(page);
    await expect(page.locator('#password-hint').textContent()).resolves.toContain('you may leave the password empty');
    await expect(page.locator('#password').getAttribute('aria-describedby')).resolves.toBe('password-hint');
    await page.fill('#email', 'Carl@Corp.test');
    await page.fill('#password', 'not-the-password');
    await page.locator('form[action$="/login"] button[type="submit"]').click();
    await page.locator('#login-error').filter({ hasText: 'The email or password is incorrect.' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/t\/down\/interaction\//);

    await page.fill('#email', 'Carl@Corp.test');
    await page.fill('#password', PASSWORD);
    await page.locator('form[action$="/login"] button[type="submit"]').click();
    await page.locator('form[action$="/confirm"] button.btn-primary').click();
    await page.waitForURL((u) => u.href.startsWith(world.rp.redirectUri));
    const claims = (await client.authorizationCodeGrant(world.oidc, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state })).claims()!;
    expect([claims.sub, claims.amr]).toEqual([carl.id, ['pwd']]);

    // Without a password, the same address goes to its provider.
    const upstream = await freshPage();
    await startAtApp(upstream);
    await upstream.fill('#email', 'carl@corp.test');
    await upstream.locator('form[action$="/login"] button[type="submit"]').click();
    await upstream.waitForURL((u) => u.pathname.startsWith('/t/corp/'));
    await services.upstreamIdps.update(down._id, corpIdp!._id, { requireForDomains: true });
  });
});
