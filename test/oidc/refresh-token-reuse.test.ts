import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import * as client from 'openid-client';
import { oidcEntryId } from '../../src/oidc/oidc-entry.model.js';
import { adminClient, operatorToken } from '../support/admin.js';
import { createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { eventually } from '../support/smtp.js';
import { discoverClient, signIn } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/**
 * A refresh whose response is lost (the app crashed, the connection dropped) must not end the sign-in: within
 * the tenant's reuse interval the app's retry with the token it still holds is answered; past it, reuse is
 * treated as theft, as without the interval.
 */
describe('refresh token reuse interval', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  /** A tenant whose provider is first built with this reuse interval (set before any app talks to it). */
  async function tenantWithInterval(slug: string, seconds: number): Promise<{ fixture: TenantFixture; app: client.Configuration }> {
    const fixture = await createTenantFixture(idp.services, slug);
    const set = await adminClient(idp)('PATCH', `/tenants/${slug}/settings`, await operatorToken(idp), { refresh_token_reuse_interval: seconds });
    expect(set).toMatchObject({ status: 200, body: { refresh_token_reuse_interval: seconds } });
    return { fixture, app: await discoverClient(idp.baseUrl, fixture) };
  }

  /** Sends a refresh and hangs up without reading the answer, once the server has rotated the token. */
  async function refreshAndHangUp(fixture: TenantFixture, refreshToken: string): Promise<void> {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString();
    const req = request(`${idp.baseUrl}/t/${fixture.tenant.slug}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(fixture.clientId)}:${encodeURIComponent(fixture.clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
      },
    });
    req.on('error', () => {});
    // Hung up once the answer starts, never read: the server has rotated the token, the client has nothing.
    req.on('response', () => req.destroy());
    req.end(body);
    const entry = oidcEntryId(fixture.tenant._id, 'RefreshToken', refreshToken);
    await eventually(async () => !!(await idp.db.models.oidcEntries.findById(entry).lean())?.consumedAt, 10_000, 'the server to rotate the token');
  }

  it('answers a retry of a just-rotated token within the interval with tokens that work, and the grant lives on', async () => {
    const { fixture, app } = await tenantWithInterval('retrying', 30);
    const { tokens } = await signIn(app, { email: fixture.user.email! });
    await refreshAndHangUp(fixture, tokens.refresh_token!);

    const retried = await client.refreshTokenGrant(app, tokens.refresh_token!);
    expect(retried.refresh_token).toEqual(expect.any(String));
    expect(retried.refresh_token).not.toBe(tokens.refresh_token);
    expect(await client.fetchUserInfo(app, retried.access_token, fixture.user.id)).toMatchObject({ sub: fixture.user.id });
    const next = await client.refreshTokenGrant(app, retried.refresh_token!);
    expect(next.claims()).toMatchObject({ sub: fixture.user.id });
    expect((await client.tokenIntrospection(app, next.access_token)).active).toBe(true);
  });

  it('treats reuse after the interval as theft: refused, and the successor revoked with the grant', async () => {
    const { fixture, app } = await tenantWithInterval('too-late', 1);
    const { tokens } = await signIn(app, { email: fixture.user.email! });
    const successor = await client.refreshTokenGrant(app, tokens.refresh_token!);
    await sleep(1500);

    await expect(client.refreshTokenGrant(app, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(app, successor.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await client.tokenIntrospection(app, successor.access_token)).active).toBe(false);
  });

  it('keeps a retry inside the interval from moving its end: reuse past it, counted from the rotation, is theft', async () => {
    const { fixture, app } = await tenantWithInterval('no-extension', 2);
    const { tokens } = await signIn(app, { email: fixture.user.email! });
    const first = await client.refreshTokenGrant(app, tokens.refresh_token!);
    await sleep(1200);
    const retried = await client.refreshTokenGrant(app, tokens.refresh_token!);
    await sleep(1200);

    await expect(client.refreshTokenGrant(app, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(app, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(app, retried.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses at once without an interval, the default', async () => {
    const fixture = await createTenantFixture(idp.services, 'strict');
    const app = await discoverClient(idp.baseUrl, fixture);
    const { tokens } = await signIn(app, { email: fixture.user.email! });
    const successor = await client.refreshTokenGrant(app, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(app, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(app, successor.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
