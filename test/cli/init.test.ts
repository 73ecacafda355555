import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { OPERATOR_ROLE, PLATFORM_TENANT } from '../../src/admin-api/principal.js';
import { CliError } from '../../src/cli/cli-error.js';
import { runInit } from '../../src/cli/init.command.js';
import { ensurePlatformTenant } from '../../src/tenants/platform.js';
import { adminClient, personToken } from '../support/admin.js';
import { submitLinkForm } from '../support/browser.js';
import { idpCommandOn } from '../support/cli.js';
import { asSetup } from '../support/fixtures.js';
import { queuedMail } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

const STACK_TRACE = /\n\s+at [\w.<>]+ \(|node_modules|\.ts:\d+/;

/** The printed credential, read back the way an operator copies it from the terminal. */
function credentialIn(stdout: string) {
  const value = (label: string) => new RegExp(`^\\s+${label}:\\s+(\\S+)$`, 'm').exec(stdout)?.[1];
  return { clientId: value('client_id')!, clientSecret: value('client_secret')!, tokenEndpoint: value('token endpoint')!, audience: value('audience')! };
}

async function adminToken(idp: TestIdp, credential: ReturnType<typeof credentialIn>): Promise<string> {
  const config = await client.discovery(new URL(`${idp.baseUrl}/t/${PLATFORM_TENANT}`), credential.clientId, credential.clientSecret, client.ClientSecretBasic(credential.clientSecret), {
    execute: [client.allowInsecureRequests],
  });
  expect(config.serverMetadata().token_endpoint).toBe(credential.tokenEndpoint);
  return (await client.clientCredentialsGrant(config, { resource: credential.audience, scope: 'admin' })).access_token;
}

describe('npm run idp -- init', () => {
  const masterKey = randomBytes(32);
  let idp: TestIdp;
  let printed: ReturnType<typeof credentialIn>;

  const idpCommand = (...argv: string[]) => idpCommandOn(idp, masterKey, ...argv);

  beforeAll(async () => {
    idp = await startTestIdp({ masterKey });
  });
  afterAll(() => idp.close());

  it('creates the platform tenant and prints the first operator credential, once', async () => {
    const first = await idpCommand('init');
    expect(first.code).toBe(0);
    const credential = (printed = credentialIn(first.stdout));
    expect(credential).toEqual({
      clientId: expect.stringMatching(/^cli_/),
      clientSecret: expect.stringMatching(/^[\w-]{32,}$/),
      tokenEndpoint: `${idp.baseUrl}/t/${PLATFORM_TENANT}/token`,
      audience: `${idp.baseUrl}/admin/api`,
    });
    const platform = await idp.services.tenants.getBySlug(PLATFORM_TENANT);
    const stored = await idp.db.models.clients.findOne({ tenantId: platform._id, clientId: credential.clientId }).lean();
    expect(stored!.metadata).toMatchObject({ grant_types: ['client_credentials'], service_roles: [OPERATOR_ROLE] });
    expect(JSON.stringify(stored)).not.toContain(credential.clientSecret);

    const second = await idpCommand('init');
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain('An operator credential already exists');
    expect(second.stderr).toContain(credential.clientId);
    expect(second.stderr).not.toContain(credential.clientSecret);
    expect(second.stderr).not.toMatch(STACK_TRACE);
  });

  it('refuses as a function too, with an error the CLI prints without a trace', async () => {
    await expect(runInit({ services: idp.services, publicUrl: idp.baseUrl })).rejects.toBeInstanceOf(CliError);
  });

  it('hands out a credential that gets an admin API token and creates a tenant', async () => {
    const token = await adminToken(idp, printed);
    const res = await adminClient(idp)('POST', '/tenants', token, { slug: 'made-by-the-first-operator', name: 'Made by the first operator' });
    expect(res.status).toBe(201);
    expect(res.body.issuer).toBe(`${idp.baseUrl}/t/made-by-the-first-operator`);
  });

  it('rotates the operator secret: the old one stops working, the new one works', async () => {
    const rotated = await idpCommand('rotate-operator-secret');
    expect(rotated.code).toBe(0);
    const fresh = credentialIn(rotated.stdout);
    expect(fresh.clientId).toBe(printed.clientId);
    expect(fresh.clientSecret).not.toBe(printed.clientSecret);
    const invalidClient = { status: 401, cause: [expect.objectContaining({ parameters: expect.objectContaining({ error: 'invalid_client' }) })] };
    await expect(adminToken(idp, printed)).rejects.toMatchObject(invalidClient);
    expect(await adminToken(idp, fresh)).toEqual(expect.any(String));
  });

  it('refuses to rotate a client that is not an operator credential', async () => {
    const platform = await idp.services.tenants.getBySlug(PLATFORM_TENANT);
    const { clientId } = await asSetup(() => idp.services.clients.create(platform._id, { redirect_uris: [], grant_types: ['client_credentials'], response_types: [] }));
    const res = await idpCommand('rotate-operator-secret', clientId);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('is not an operator credential');
    expect((await idpCommand('rotate-operator-secret', 'no-such-client')).stderr).toContain('has no client no-such-client');
  });
});

describe('npm run idp -- init --email', () => {
  const masterKey = randomBytes(32);
  const PERSON_PASSWORD = 'lantern-orchid-vellum-quarry-52';
  let idp: TestIdp;
  const idpCommand = (...argv: string[]) => idpCommandOn(idp, masterKey, ...argv);

  beforeAll(async () => {
    idp = await startTestIdp({ masterKey });
  });
  afterAll(() => idp.close());

  it('refuses an address that is none before it creates any credential', async () => {
    const res = await idpCommand('init', '--email', 'not-an-address');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('email: not an email address');
    expect(res.stdout).toBe('');
    const platform = await idp.services.tenants.getBySlug(PLATFORM_TENANT);
    expect(await idp.services.clients.findWithServiceRole(platform._id, OPERATOR_ROLE)).toBeUndefined();
  });

  it('also invites the person as operator, mails and prints the link; after accepting, their token works on an operator route', async () => {
    const res = await idpCommand('init', '--email', 'Olga@Platform.test');
    expect(res.code).toBe(0);
    expect(credentialIn(res.stdout).clientId).toMatch(/^cli_/);
    const link = /^\s+invitation link: (\S+)$/m.exec(res.stdout)?.[1];
    expect(link).toMatch(new RegExp(`^${idp.baseUrl}/t/${PLATFORM_TENANT}/invitations/[\\w-]{43}$`));
    expect(res.stdout).toContain(`platform issuer ${idp.baseUrl}/t/${PLATFORM_TENANT}`);
    expect(res.stdout).toContain(`console: ${idp.baseUrl}/t/${PLATFORM_TENANT}/console/`);

    const platform = await idp.services.tenants.getBySlug(PLATFORM_TENANT);
    const mail = await queuedMail(idp, platform, 'olga@platform.test');
    expect(mail).toMatchObject({ link, locale: 'en' });
    const log = await idp.services.changeLog.list(platform._id, { action: 'invitation.created' }, { limit: 10 });
    expect(log.items.map((e) => e.actor)).toEqual(['job:cli-init']);

    const accepted = await submitLinkForm(link!, { name: 'Olga Operator', password: PERSON_PASSWORD, password_repeat: PERSON_PASSWORD });
    expect(accepted.status).toBe(200);
    const person = (await idp.services.users.list(platform, { email: 'olga@platform.test', limit: 1 })).items[0]!;
    expect(person).toMatchObject({ roles: [OPERATOR_ROLE], status: 'active' });

    const token = await personToken(idp, platform, 'olga@platform.test', PERSON_PASSWORD);
    const call = adminClient(idp);
    expect((await call('GET', '/tenants', token)).status).toBe(200);
    const created = await call('POST', '/tenants', token, { slug: 'made-by-a-person', name: 'Made by a person' });
    expect(created.status).toBe(201);
    // An operator still, not a tenant's admin: the new tenant's users stay closed to them.
    expect((await call('GET', '/tenants/made-by-a-person/users', token)).status).toBe(403);
  });
});

describe('the platform tenant', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('is created once, however many processes start at the same moment', async () => {
    const started = await asSetup(() => Promise.all([1, 2, 3].map(() => ensurePlatformTenant(idp.services))));
    expect(new Set(started.map((t) => t._id)).size).toBe(1);
    expect(await idp.db.models.tenants.countDocuments({ slug: PLATFORM_TENANT })).toBe(1);
    expect((await asSetup(() => ensurePlatformTenant(idp.services)))._id).toBe(started[0]!._id);
  });
});
