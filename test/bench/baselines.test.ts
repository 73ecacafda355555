import { startBaselineServer } from '../../bench/baseline-server.js';
import { clientCredentials, discover, refresh, signIn, type OidcTarget } from '../../bench/oidc-flows.js';
import { HttpClient } from '../../bench/user-agent.js';
import { connectTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../../src/db/launcher/server-process.js';

/**
 * The bench compares ours with two oidc-provider baselines; a baseline that cannot complete a flow stops the
 * bench halfway. Each completes the flows the bench drives, as the bench drives them.
 */
describe('the bench baselines', () => {
  let testDb: TestDatabase;
  const http = new HttpClient();
  const user = { email: 'bench@baseline.test', password: 'correct horse battery staple' };

  beforeAll(async () => {
    testDb = await connectTestDatabase();
  });
  afterAll(async () => {
    http.agent.destroy();
    await testDb.drop();
  });

  for (const kind of ['bare', 'fair'] as const) {
    it(`${kind}: signs a person in, refreshes with the rotated token, and issues client credentials`, async () => {
      const port = await freePort();
      const settings = {
        port,
        argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
        clientId: 'bench-app',
        clientSecret: 'bench-secret-0123456789',
        redirectUri: 'http://127.0.0.1:1/callback',
        resource: 'https://locks.bench.test',
        users: [user],
        ...(kind === 'fair' ? { mongodb: { uri: testDb.uri } } : {}),
      };
      const baseline = await startBaselineServer(settings);
      try {
        const target: OidcTarget = await discover(http, { label: kind, issuer: baseline.issuer, ...settings });
        const first = await signIn(http, target, user);
        expect(first).toEqual(expect.objectContaining({ access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String) }));
        const second = await refresh(http, target, first.refresh_token!);
        expect(second.refresh_token).toEqual(expect.any(String));
        expect(second.refresh_token).not.toBe(first.refresh_token);
        expect((await clientCredentials(http, target)).access_token).toEqual(expect.any(String));
      } finally {
        await baseline.close();
      }
    });
  }
});
