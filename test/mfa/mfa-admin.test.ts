import { adminClient, operatorToken, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, type TenantFixture } from '../support/fixtures.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { totpCode } from './mfa-pages.js';

describe("admin API: a user's second factors", () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: ReturnType<typeof adminClient>;
  const tokens: Record<string, string | undefined> = {};

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    a = await createTenantFixture(idp.services, 'mfa-a');
    const b = await createTenantFixture(idp.services, 'mfa-b');
    tokens.operator = await operatorToken(idp);
    tokens.adminA = await serviceToken(idp, a.tenant, ['tenant_admin']);
    tokens.adminB = await serviceToken(idp, b.tenant, ['tenant_admin']);
    tokens.managerA = await serviceToken(idp, a.tenant, ['user_manager']);
    tokens.auditorA = await serviceToken(idp, a.tenant, ['auditor']);
    tokens.anonymous = undefined;
  });
  afterAll(() => idp.close());

  async function enrolTotp(): Promise<void> {
    const { secret } = await idp.services.mfa.totp.startEnrolment(a.tenant, a.user);
    await asSetup(async () => {
      await idp.services.mfa.totp.confirmEnrolment(a.tenant, a.user.id, await totpCode(secret));
      await idp.services.mfa.issueRecoveryCodes(a.tenant, a.user.id);
    });
  }

  it.each([
    ['operator', 403],
    ['adminA', 200],
    ['managerA', 200],
    ['auditorA', 403],
    ['adminB', 404],
    ['anonymous', 401],
  ] as const)('lists the factors as %s: %i', async (who, status) => {
    const tenant = who === 'adminB' ? 'mfa-b' : 'mfa-a';
    const res = await call('GET', `/tenants/${tenant}/users/${a.user.id}/mfa`, tokens[who]);
    expect(res.status).toBe(status);
  });

  it.each([
    ['operator', 403],
    ['managerA', 403],
    ['auditorA', 403],
    ['adminB', 404],
    ['anonymous', 401],
  ] as const)('refuses the reset to %s: %i', async (who, status) => {
    await enrolTotp();
    const tenant = who === 'adminB' ? 'mfa-b' : 'mfa-a';
    expect((await call('DELETE', `/tenants/${tenant}/users/${a.user.id}/mfa`, tokens[who])).status).toBe(status);
    expect(await idp.services.mfa.hasSecondFactor(a.tenant._id, a.user.id)).toBe(true);
  });

  it('lets a tenant admin remove every factor of a user who lost their device, logged under the admin', async () => {
    await enrolTotp();
    const before = await call('GET', `/tenants/mfa-a/users/${a.user.id}/mfa`, tokens.adminA);
    expect(before.body).toMatchObject({ totp: { last_used_at: null }, passkeys: [], recovery_codes_left: 10 });
    expect(JSON.stringify(before.body)).not.toMatch(/secret/i);

    expect((await call('DELETE', `/tenants/mfa-a/users/${a.user.id}/mfa`, tokens.adminA)).status).toBe(204);
    const after = await call('GET', `/tenants/mfa-a/users/${a.user.id}/mfa`, tokens.adminA);
    expect(after.body).toEqual({ totp: null, passkeys: [], recovery_codes_left: 0 });

    const log = await call('GET', `/tenants/mfa-a/change-log?subject=${a.user.id}&action=mfa.factors_removed`, tokens.auditorA);
    expect(log.body.items[0]).toMatchObject({ fields: expect.arrayContaining(['totpSecret', 'recoveryCodes']) });
    expect(log.body.items[0].actor).toMatch(/^service:cli_.+@mfa-a$/);
  });

  it('answers 404 for a user that does not exist', async () => {
    expect((await call('DELETE', '/tenants/mfa-a/users/usr_doesnotexist0000/mfa', tokens.adminA)).status).toBe(404);
  });
});
