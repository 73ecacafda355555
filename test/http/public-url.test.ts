import { request } from 'node:http';
import { createTenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** A GET with headers fetch() would not send as given (Host), or with an absolute-form request target. */
function rawGet(baseUrl: string, target: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: target, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject).end();
  });
}

const ENDPOINTS = ['issuer', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint', 'introspection_endpoint', 'revocation_endpoint'];

describe.each([false, true])('discovery with TRUST_PROXY=%s: every URL from PUBLIC_URL, whatever the request names', (trustProxy) => {
  let idp: TestIdp;
  const discovery = '/t/acme/.well-known/openid-configuration';
  const urlsOf = (body: Record<string, string>) => ENDPOINTS.map((name) => [name, body[name]]);
  const expected = () => ENDPOINTS.map((name) => [name, expect.stringMatching(new RegExp(`^${idp.baseUrl}/t/acme(/|$)`))]);

  beforeAll(async () => {
    idp = await startTestIdp({ env: { TRUST_PROXY: String(trustProxy) } });
    await createTenantFixture(idp.services, 'acme');
  });
  afterAll(() => idp.close());

  it.each([
    ['a forged Host', { host: 'evil.test' }],
    ['X-Forwarded-Host and -Proto', { 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'https' }],
    ['both', { host: 'evil.test:8443', 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'https' }],
  ])('ignores %s', async (_what, headers: Record<string, string>) => {
    const res = await rawGet(idp.baseUrl, discovery, headers);
    expect(res.status).toBe(200);
    expect(urlsOf(res.body)).toEqual(expected());
  });

  it('ignores the host of an absolute-form request target', async () => {
    const res = await rawGet(idp.baseUrl, `http://evil.test${discovery}`, { host: 'evil.test' });
    expect(res.status).toBe(200);
    expect(urlsOf(res.body)).toEqual(expected());
  });
});
