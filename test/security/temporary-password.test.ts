import * as client from 'openid-client';
import { translate } from '../../src/i18n/messages.js';
import { formAction } from '../support/browser.js';
import { adminClient, operatorToken, serviceToken } from '../support/admin.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { breachedPassword } from '../support/passwords.js';
import { discoverClient, signIn, type StepAnswer } from '../support/sign-in.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';
import { alertOf } from '../support/sign-in-pages.js';

const STRONG = 'Lantern-Orchard-Velvet-42';


describe('temporary password set by an admin', () => {
  let idp: TestIdp;
  let a: TenantFixture;
  let call: ReturnType<typeof adminClient>;
  const tokens: Record<string, string | undefined> = {};

  beforeAll(async () => {
    idp = await startTestIdp();
    call = adminClient(idp);
    a = await createTenantFixture(idp.services, 'tenant-a');
    const b = await createTenantFixture(idp.services, 'tenant-b');
    tokens.operator = await operatorToken(idp);
    tokens.adminA = await serviceToken(idp, a.tenant, ['tenant_admin']);
    tokens.managerA = await serviceToken(idp, a.tenant, ['user_manager']);
    tokens.auditorA = await serviceToken(idp, a.tenant, ['auditor']);
    tokens.adminB = await serviceToken(idp, b.tenant, ['tenant_admin']);
    tokens.anonymous = undefined;
  });
  afterAll(() => idp.close());

  const person = (name: string, extra: { name?: string; locale?: string } = {}) =>
    asSetup(() => idp.services.users.create(a.tenant, { email: `${name}@tenant-a.test`, password: PASSWORD, name: extra.name ?? name, locale: extra.locale }));
  const setTemporary = (id: string, password: string, as: string | undefined) =>
    call('POST', `/tenants/tenant-a/users/${id}/temporary-password`, as, { password });

  it.each([
    ['operator', 403],
    ['adminA', 200],
    ['managerA', 200],
    ['auditorA', 403],
    ['adminB', 404],
    ['anonymous', 401],
  ])('answers %s with %i', async (who, status) => {
    const user = await person(`matrix-${who}`);
    expect((await setTemporary(user.id, STRONG, tokens[who])).status).toBe(status);
  });

  it('never echoes the password, logs the change by field name, and ends the sessions the user had', async () => {
    const user = await person('hana');
    const before = await signIn(await discoverClient(idp.baseUrl, a), { email: user.email! });

    const res = await setTemporary(user.id, STRONG, tokens.managerA);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, must_change_password: true });
    expect(JSON.stringify(res.body)).not.toContain(STRONG);

    const log = await call('GET', `/tenants/tenant-a/change-log?subject=${user.id}&action=user.temporary_password_set`, tokens.auditorA);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0].fields.sort()).toEqual(['mustChangePassword', 'passwordHash']);
    expect(log.body.items[0].actor).toMatch(/^service:cli_.+@tenant-a$/);
    expect(JSON.stringify(log.body)).not.toContain(STRONG);
    await expect(client.refreshTokenGrant(before.config, before.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  describe('the password policy', () => {
    const minLength = 12;
    it.each([
      ['short', 'Qx7#mpl2', 'too_short', 'de'],
      ['common', breachedPassword(minLength), 'breached', 'da'],
      ['personal', 'Ingrid-Halvorsen-Lantern-77', 'contains_personal_data', 'sv'],
      ['weak', 'qwertyuiop1234', 'too_weak', 'en'],
    ])('refuses a %s password (%s) with its reason in the reader\'s language', async (_kind, password, problem, language) => {
      const user = await person(`policy-${_kind}`, { name: 'Ingrid Halvorsen' });
      const res = await call('POST', `/tenants/tenant-a/users/${user.id}/temporary-password`, tokens.managerA, { password });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('urn:doorway:problem:validation');
      // The admin API reads Accept-Language for these messages; the client here sends none, so: English.
      const issue = res.body.errors.find((e: { code: string }) => e.code === problem);
      expect(issue).toMatchObject({ field: 'body.password', message: translate('en', `password.problem.${problem as 'too_short'}`, { min: minLength, max: 256 }) });
      const localized = await fetch(`${idp.baseUrl}/admin/api/v1/tenants/tenant-a/users/${user.id}/temporary-password`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.managerA}`, 'content-type': 'application/json', 'accept-language': language },
        body: JSON.stringify({ password }),
      });
      const body = (await localized.json()) as { errors: { code: string; message: string }[] };
      expect(body.errors.find((e) => e.code === problem)?.message).toBe(translate(language as 'en', `password.problem.${problem as 'too_short'}`, { min: minLength, max: 256 }));
      expect((await idp.services.users.getById(a.tenant, user.id)).mustChangePassword).toBe(false);
    });

    it('accepts a long, unguessable one', async () => {
      const user = await person('policy-strong', { name: 'Ingrid Halvorsen' });
      expect((await setTemporary(user.id, 'Copper-Meadow-Rivet-58', tokens.managerA)).status).toBe(200);
    });

    it("follows the tenant's minimum length, but never below 8", async () => {
      const tenant = await asSetup(() => idp.services.tenants.create({ slug: 'lenient', name: 'Lenient', settings: { passwordMinLength: 4 } }));
      const strict = await asSetup(() => idp.services.tenants.create({ slug: 'longer', name: 'Longer', settings: { passwordMinLength: 20 } }));
      const users = await Promise.all([tenant, strict].map((t) => asSetup(() => idp.services.users.create(t, { email: `x@${t.slug}.test`, name: 'Xavier' }))));
      const tokenOf = await Promise.all([tenant, strict].map((t) => serviceToken(idp, t, ['user_manager'])));
      const seven = await call('POST', `/tenants/lenient/users/${users[0]!.id}/temporary-password`, tokenOf[0], { password: 'k#8Pz!q' });
      expect(seven.body.errors.map((e: { code: string }) => e.code)).toContain('too_short');
      expect(seven.body.errors[0].message).toBe(translate('en', 'password.problem.too_short', { min: 8 }));
      // Unguessable, but shorter than this tenant asks for.
      const strong = await call('POST', `/tenants/longer/users/${users[1]!.id}/temporary-password`, tokenOf[1], { password: 'Copper-Meadow-Rivet' });
      expect(strong.body.errors.map((e: { code: string }) => e.code)).toEqual(['too_short']);
    });
  });

  describe('the first sign-in after it', () => {
    /** Answers the change-password page with each of `tries` in turn, recording what the page said. */
    function changePassword(tries: string[], seen: { status: number; alert?: string }[]): StepAnswer {
      return ({ html, status }) => {
        if (!html.includes('name="new_password"')) return undefined;
        seen.push({ status, alert: alertOf(html) });
        const next = tries.shift();
        if (next === undefined) throw new Error('asked for a new password once more than expected');
        return { action: formAction(html, '/change-password'), fields: { new_password: next, new_password_repeat: next } };
      };
    }

    it('requires a new password, by the policy and unlike the temporary one, before the app gets its tokens', async () => {
      const user = await person('ivo', { locale: 'da' });
      await setTemporary(user.id, STRONG, tokens.adminA);
      const config = await discoverClient(idp.baseUrl, a);
      const seen: { status: number; alert?: string }[] = [];
      const chosen = 'Harbour-Juniper-Socket-19';
      const { tokens: issued } = await signIn(config, {
        email: user.email!,
        password: STRONG,
        extra: { ui_locales: 'da' },
        step: changePassword([STRONG, 'qwertyuiop1234', chosen], seen),
      });

      expect(seen.map((s) => s.status)).toEqual([200, 400, 400]);
      expect(seen[1]!.alert).toBe(translate('da', 'password.problem.reused'));
      expect(seen[2]!.alert).toBe(translate('da', 'password.problem.too_weak'));
      expect(issued.claims()?.sub).toBe(user.id);

      const log = await call('GET', `/tenants/tenant-a/change-log?subject=${user.id}&action=user.password_changed`, tokens.auditorA);
      expect(log.body.items.map((e: { actor: string }) => e.actor)).toEqual([`user:${user.id}`]);
      expect((await idp.services.users.getById(a.tenant, user.id)).mustChangePassword).toBe(false);

      // Once chosen, the new password signs in directly; the temporary one is gone.
      const again = await signIn(config, { email: user.email!, password: chosen, step: changePassword([], []) });
      expect(again.tokens.claims()?.sub).toBe(user.id);
      expect(await idp.services.users.verifyPassword(a.tenant, user.email!, STRONG)).toBeNull();
    });
  });
});
