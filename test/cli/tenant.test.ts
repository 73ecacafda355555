import { randomBytes } from 'node:crypto';
import { PLATFORM_TENANT } from '../../src/admin-api/principal.js';
import { idpCommandOn } from '../support/cli.js';
import { asSetup } from '../support/fixtures.js';
import { queuedMail } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

/** `tenant create` and `tenant invite-admin`: the onboarding of the admin API, for an operator at a shell. */
describe('npm run idp -- tenant create | invite-admin', () => {
  const masterKey = randomBytes(32);
  let idp: TestIdp;
  const idpCommand = (...argv: string[]) => idpCommandOn(idp, masterKey, ...argv);
  const entries = async (slug: string, action: string) => {
    const tenant = await idp.services.tenants.getBySlug(slug);
    return (await idp.services.changeLog.list(tenant._id, { action }, { limit: 50 })).items;
  };

  beforeAll(async () => {
    idp = await startTestIdp({ masterKey });
  });
  afterAll(() => idp.close());

  it('creates a tenant, prints its issuer and console, and queues one tenant_admin invitation per --admin', async () => {
    const res = await idpCommand('tenant', 'create', 'north-wing', '--name', 'North Wing', '--admin', 'ada@north.test', '--admin', 'bo@north.test');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Tenant north-wing (North Wing) created.');
    expect(res.stdout).toMatch(new RegExp(`^\\s+issuer:\\s+${idp.baseUrl}/t/north-wing$`, 'm'));
    expect(res.stdout).toMatch(new RegExp(`^\\s+console:\\s+${idp.baseUrl}/t/north-wing/console/$`, 'm'));
    expect(res.stdout).toContain('2 tenant_admin invitation(s) queued');

    const tenant = await idp.services.tenants.getBySlug('north-wing');
    for (const to of ['ada@north.test', 'bo@north.test']) {
      expect(await queuedMail(idp, tenant, to)).toMatchObject({ locale: 'en', link: expect.stringContaining(`${idp.baseUrl}/t/north-wing/invitations/`) });
    }
    const invited = await idp.db.models.invitations.find({ tenantId: tenant._id }).lean();
    expect(invited.map((i) => i.roles)).toEqual([['tenant_admin'], ['tenant_admin']]);
    expect((await entries('north-wing', 'invitation.created')).map((e) => e.actor)).toEqual(['job:cli-tenant', 'job:cli-tenant']);
  });

  it('refuses a bad address before the tenant exists', async () => {
    const res = await idpCommand('tenant', 'create', 'never-made', '--name', 'Never', '--admin', 'ok@never.test', '--admin', 'not-an-address');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('admins.1.email: not an email address');
    expect(await idp.services.tenants.findBySlug('never-made')).toBeNull();
  });

  it.each([
    [['tenant', 'create', 'no-admin', '--name', 'No admin'], 'tenant create <slug> --name <name> --admin <email>'],
    [['tenant', 'create', 'no-name', '--admin', 'a@b.test'], 'tenant create <slug> --name <name> --admin <email>'],
    [['tenant', 'invite-admin', 'north-wing'], 'tenant invite-admin <slug> --email <email>'],
    [['tenant', 'create', 'odd', '--name', 'Odd', '--admin', 'a@b.test', '--colour', 'red'], 'tenant create <slug>'],
    [['tenant', 'rename', 'north-wing'], 'tenant terminate <slug> --export <file>'],
  ])('%j is wrong usage (exit 2), shown with its usage line', async (argv, usage) => {
    const res = await idpCommand(...argv);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(usage);
  });

  it('invites a new admin only into a tenant left without one, recording it in both change logs', async () => {
    const sent = await idpCommand('tenant', 'invite-admin', 'north-wing', '--email', 'rescuer@north.test');
    // The invitations above are not admins yet: the tenant has none, so this one is allowed.
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('tenant_admin invitation queued for north-wing');
    expect((await entries(PLATFORM_TENANT, 'tenant.admin_invited')).map((e) => e.actor)).toEqual(['job:cli-tenant']);

    const tenant = await idp.services.tenants.getBySlug('north-wing');
    await asSetup(() => idp.services.users.create(tenant, { email: 'kept@north.test', roles: ['tenant_admin'] }));
    const res = await idpCommand('tenant', 'invite-admin', 'north-wing', '--email', 'second@north.test');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('still has an active tenant_admin');
    expect((await entries(PLATFORM_TENANT, 'tenant.admin_invited'))).toHaveLength(1);
  });
});
