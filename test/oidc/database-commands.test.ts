import * as client from 'openid-client';
import { countCommands, type CommandCount } from '../support/db-commands.js';
import { asSetup, createTenantFixture, RESOURCE, type TenantFixture } from '../support/fixtures.js';
import { queriesSent, scanningQueries } from '../support/query-plan.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** Matches a count no larger than `limit`; a failure prints every command by name. */
function atMost(limit: number) {
  return { asymmetricMatch: (n: unknown) => typeof n === 'number' && n <= limit, toAsymmetricMatcher: () => `at most ${limit}` };
}

/**
 * What each flow costs the database, counted on the app's own connection. These are budgets, not
 * measurements: a change that reads or writes more than the budget fails here (bench/ measures time).
 */
describe('database commands per flow', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  let config: client.Configuration;
  const email = () => fixture.user.email!;

  beforeAll(async () => {
    idp = await startTestIdp({
      env: {
        // Counted flows do not cross a tenant re-check or a rate-limit window, which would add their reads.
        TENANT_REFRESH_MS: '60000',
        TOKEN_REQUESTS_WINDOW_S: '86400',
        AUTHORIZATION_REQUESTS_WINDOW_S: '86400',
        TOKEN_REQUESTS_PER_CLIENT: '1000000',
        TOKEN_REQUESTS_PER_IP: '1000000',
        AUTHORIZATION_REQUESTS_PER_IP: '1000000',
      },
    });
    fixture = await createTenantFixture(idp.services, 'counted');
    config = await discoverClient(idp.baseUrl, fixture);
    // The tenant's provider is built, the client known and the rate-limit leases taken, as on a busy server.
    const warm = await signIn(config, { email: email() });
    await client.refreshTokenGrant(config, warm.tokens.refresh_token!);
    await client.clientCredentialsGrant(config, { resource: RESOURCE, scope: 'locks:open' });
  });
  afterAll(() => idp.close());

  const count = <T>(fn: () => Promise<T>) => countCommands(idp.db.connection, fn);
  const within = (commands: CommandCount, limit: number) => expect(commands).toEqual({ total: atMost(limit), byName: commands.byName });

  // The bench's scopes: door permissions go into the ID token and userinfo, at one read of the grants when they
  // have changed since this process last read them (src/doors/door-permission-history.ts; the doors themselves are
  // kept for TENANT_REFRESH_MS, src/doors/door.service.ts). A code,
  // access or refresh token this process has seen is read with its grant in one command (src/oidc/mongo-adapter.ts);
  // one it never saw (issued by another process) costs one read more, its grant after it.
  const ALL = 'openid profile email roles doors offline_access';
  const WITHOUT_DOORS = 'openid profile email roles offline_access';

  // The tenant's webhook subscriptions, which sign_in.succeeded looks at, are kept (src/webhooks/webhook.service.ts).
  // The entries each provider request creates are written in one insert (src/oidc/entry-batch.ts), a new grant
  // with the code and session of the resume that stores it (src/oidc/grant-consent.ts), and the sign-in brakes
  // read the network's and the account's counters at once (src/security/sign-in-guard.ts).
  // The resume after consent removes its interaction and the session it replaces in one delete (entry-batch.ts),
  // and the code exchange reads the code with its grant and stores its consumption with the new tokens in one
  // command; the person's door grants, unchanged since their sign-in before, are not read again. Below the 30
  // allowed: a busy server adds the re-reads of what it keeps for TENANT_REFRESH_MS (clients, doors, the tenant),
  // a fraction of a command per sign-in, which the bench counts and these flows do not.
  it('a whole password sign-in (authorize, login page, password, consent, callback, code exchange) takes at most 26', async () => {
    const { result, commands } = await count(() => signIn(config, { email: email(), scope: ALL }));
    expect(result.tokens.claims()).toMatchObject({ sub: fixture.user.id, door_permissions: expect.any(Array) });
    within(commands, 26);
  });

  // The old refresh token's consumption and the new one are stored in one command (src/oidc/entry-batch.ts). The
  // user's door grants, read for an earlier token, are kept under the user's stamp, which the refresh reads with
  // the user (src/doors/door-permission-history.ts): they are read again only once they have changed.
  it('a refresh takes at most 3, door permissions included, and 1 more once the user\'s grants have changed', async () => {
    for (const scope of [WITHOUT_DOORS, ALL]) {
      const { tokens } = await signIn(config, { email: email(), scope });
      const { result, commands } = await count(() => client.refreshTokenGrant(config, tokens.refresh_token!));
      expect(result.refresh_token).not.toBe(tokens.refresh_token);
      expect('door_permissions' in result.claims()!).toBe(scope === ALL);
      within(commands, 3);
      expect(commands.byName['find door_permissions']).toBeUndefined();
    }

    const { tokens } = await signIn(config, { email: email(), scope: ALL });
    const door = await idp.services.doors.getByKey(fixture.tenant._id, 'main-entrance');
    const tomorrow = new Date(Date.now() + 86_400_000);
    await asSetup(() => idp.services.doorPermissions.grant(fixture.tenant._id, { doorId: door._id, holderType: 'user', holderId: fixture.user.id, validFrom: tomorrow }));
    const { commands } = await count(() => client.refreshTokenGrant(config, tokens.refresh_token!));
    within(commands, 4);
    expect(commands.byName['find door_permissions']).toBe(1);
  });

  it('a userinfo call takes at most 2, door permissions included while the user\'s grants are unchanged', async () => {
    for (const scope of [WITHOUT_DOORS, ALL]) {
      const { tokens } = await signIn(config, { email: email(), scope });
      const { result, commands } = await count(() => client.fetchUserInfo(config, tokens.access_token, fixture.user.id));
      expect(result).toMatchObject({ sub: fixture.user.id, roles: ['employee', 'team_lead'] });
      expect('door_permissions' in result).toBe(scope === ALL);
      within(commands, 2);
      expect(commands.byName['find door_permissions']).toBeUndefined();
    }
  });

  it('a client-credentials request for a resource (a JWT, stored nowhere) takes none once the client is known', async () => {
    const { result, commands } = await count(() => client.clientCredentialsGrant(config, { resource: RESOURCE, scope: 'locks:open' }));
    expect(result.access_token).toEqual(expect.any(String));
    expect(commands).toEqual({ total: 0, byName: {} });
  });

  it('every lookup of these flows, from a tenant not yet built, goes through an index', async () => {
    // What keeps the cost of each flow flat as tenants and their data grow (the bench measures it at 100,000
    // users): the first requests of a tenant read its document, keys, resources and clients too.
    const cold = await createTenantFixture(idp.services, 'counted-cold');
    const queries = await queriesSent(idp.db.connection.getClient(), async () => {
      const coldConfig = await discoverClient(idp.baseUrl, cold);
      const { tokens } = await signIn(coldConfig, { email: cold.user.email!, scope: ALL });
      await client.refreshTokenGrant(coldConfig, tokens.refresh_token!);
      await client.fetchUserInfo(coldConfig, tokens.access_token, cold.user.id);
      await client.clientCredentialsGrant(coldConfig, { resource: RESOURCE, scope: 'locks:open' });
    });
    expect(queries.map((q) => q.collection)).toEqual(expect.arrayContaining(['tenants', 'clients', 'users', 'oidc_entries', 'door_permissions']));
    expect(await scanningQueries(idp.db.connection.db!, queries)).toEqual([]);
  });
});
