import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { attempt } from '../support/sign-in-pages.js';
import { queuedMail } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

class Capture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

describe('operations', () => {
  let idp: TestIdp;
  let fixture: TenantFixture;
  const logs = new Capture();

  beforeAll(async () => {
    idp = await startTestIdp({ logger: createLogger('info', logs) });
    fixture = await createTenantFixture(idp.services, 'ops');
  });
  afterAll(() => idp.close());

  it('answers liveness and readiness', async () => {
    expect(await (await fetch(`${idp.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${idp.baseUrl}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('exposes request, latency, token and sign-in metrics by route name', async () => {
    await signIn(await discoverClient(idp.baseUrl, fixture), { email: fixture.user.email! });
    const text = await (await fetch(`${idp.baseUrl}/metrics`)).text();
    expect(text).toMatch(/idp_http_requests_total\{route="oidc:token",method="POST",status="200"\} [1-9]/);
    expect(text).toMatch(/idp_http_request_duration_seconds_bucket\{le="[\d.]+",route="oidc:authorization",method="GET"\}/);
    expect(text).toMatch(/idp_logins_total\{result="success"\} [1-9]/);
    expect(text).toMatch(/idp_tokens_issued_total\{kind="AccessToken"\} [1-9]/);
    // Route labels are names, never raw paths with slugs or ids.
    expect(text).toContain(`route="/t/:slug/interaction/:uid/login"`);
    expect(text).not.toMatch(/route="\/t\/ops/);
  });

  it('logs and counts error answers with the status they were sent with', async () => {
    const call = adminClient(idp);
    const manager = await serviceToken(idp, fixture.tenant, ['user_manager']);
    const requests = (route: string, status: number) =>
      new RegExp(`idp_http_requests_total\\{route="/admin/api/v1${route}",method="(GET|POST)",status="${status}"\\} [1-9]`);
    const denied = await call('GET', '/tenants/ops/clients', manager);
    const invalid = await call('POST', '/tenants/ops/users', manager, { email: 'not-an-email' });
    const anonymous = await call('GET', '/tenants/ops/users');
    expect([denied.status, invalid.status, anonymous.status]).toEqual([403, 400, 401]);

    const text = await (await fetch(`${idp.baseUrl}/metrics`)).text();
    expect(text).toMatch(requests('/tenants/:tenant/clients', 403));
    expect(text).toMatch(requests('/tenants/:tenant/users', 400));
    expect(text).toMatch(requests('/tenants/:tenant/users', 401));
    const logged = logs.lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    for (const res of [denied, invalid, anonymous]) {
      expect(logged.find((entry) => entry.requestId === res.body.request_id)?.status).toBe(res.status);
    }
  });

  describe('who may read /metrics', () => {
    const TOKEN = 'scrape-9f2c41d7e8a6b350';
    const read = (target: TestIdp, headers: Record<string, string> = {}) => fetch(`${target.baseUrl}/metrics`, { headers });

    it('without METRICS_TOKEN, a caller on this machine only: never a request relayed by a proxy', async () => {
      expect((await read(idp)).status).toBe(200);
      for (const relayed of [{ 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=127.0.0.1' }] as Record<string, string>[]) {
        const res = await read(idp, relayed);
        expect([res.status, res.headers.get('content-type'), ((await res.json()) as { type: string }).type]).toEqual([
          403,
          expect.stringMatching(/^application\/problem\+json/),
          'urn:doorway:problem:forbidden',
        ]);
      }
    });

    it('with METRICS_TOKEN, whoever sends it as a Bearer token, and nobody else, loopback included', async () => {
      const guarded = await startTestIdp({ database: idp.testDatabase, env: { METRICS_TOKEN: TOKEN } });
      try {
        for (const headers of [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${TOKEN}` }] as Record<string, string>[]) {
          const res = await read(guarded, headers);
          expect([res.status, res.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="metrics"']);
        }
        const res = await read(guarded, { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.7' });
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('idp_http_requests_total');
      } finally {
        await guarded.close();
      }
    });
  });

  it('counts a failed sign-in as a failure', async () => {
    const failures = async () => Number(/idp_logins_total\{result="failure"\} (\d+)/.exec(await (await fetch(`${idp.baseUrl}/metrics`)).text())?.[1] ?? 0);
    const before = await failures();
    expect((await attempt(idp.baseUrl, fixture, fixture.user.email!, 'Not-The-Password-1')).status).toBe(400);
    expect(await failures()).toBe(before + 1);
  });

  it('keeps personal data and credentials out of the logs of a whole sign-in', async () => {
    await signIn(await discoverClient(idp.baseUrl, fixture), { email: fixture.user.email!, extra: { login_hint: fixture.user.email! } });
    const all = logs.lines.join('\n');
    expect(logs.lines.length).toBeGreaterThan(5);
    for (const secret of [fixture.user.email!, PASSWORD, fixture.clientSecret, 'Alice Andersen']) expect(all).not.toContain(secret);
    expect(JSON.parse(logs.lines[0]!)).toHaveProperty('level');
  });

  it("keeps the secrets of emailed links out of the request log's paths", async () => {
    await idp.services.passwordReset.request(fixture.tenant, fixture.user.email!, 'en');
    const { link } = await queuedMail(idp, fixture.tenant, fixture.user.email!);
    const reset = link.slice(link.lastIndexOf('/') + 1);
    const [invitation, verification] = ['I', 'V'].map((c) => c.repeat(43));
    for (const path of [`account/reset/${reset}`, `invitations/${invitation}`, `account/verify/${verification}`]) {
      await (await fetch(`${idp.baseUrl}/t/ops/${path}`)).text();
    }
    const paths = logs.lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request').map((entry) => entry.path as string);
    for (const token of [reset, invitation, verification]) expect(paths.join('\n')).not.toContain(token);
    expect(paths).toEqual(expect.arrayContaining(['/t/ops/account/reset/[token]', '/t/ops/invitations/[token]', '/t/ops/account/verify/[token]']));
  });

  it('redacts personal fields wherever they are logged', () => {
    const out = new Capture();
    createLogger('info', out).info({ email: 'a@b.test', user: { email: 'a@b.test', name: 'Ann', phone: '+4512345678' }, password: 'pw' }, 'x');
    expect(out.lines[0]).not.toMatch(/a@b\.test|Ann|4512345678|"pw"/);
    expect(out.lines[0]).toContain('[redacted]');
  });

  it('reports not ready when the database is gone', async () => {
    const other = await startTestIdp();
    await other.db.close();
    const res = await fetch(`${other.baseUrl}/readyz`);
    expect(res.status).toBe(503);
    other.server.closeAllConnections();
    await new Promise((resolve) => other.server.close(resolve));
    await other.testDatabase.drop();
  });
});
