import { hashLinkToken } from '../../src/account/link-token.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { Browser } from '../support/browser.js';
import { rawDocuments } from '../support/database.js';
import { asSetup, createTenantFixture, PASSWORD, type TenantFixture } from '../support/fixtures.js';
import { linkIn, startIdpWithSmtp, TestSmtpServer } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

type LinkPath = Parameters<typeof linkIn>[1];

/** The secret in an emailed link is 256 random bits, and the database keeps only its hash: a copy of it opens nothing. */
describe('emailed link tokens', () => {
  let smtp: TestSmtpServer;
  let idp: TestIdp;
  let acme: TenantFixture;
  let call: ReturnType<typeof adminClient>;
  let admin: string;

  beforeAll(async () => {
    ({ smtp, idp } = await startIdpWithSmtp());
    acme = await createTenantFixture(idp.services, 'acme');
    call = adminClient(idp);
    admin = await serviceToken(idp, acme.tenant, ['tenant_admin']);
  });
  afterAll(async () => {
    await idp.close();
    await smtp.close();
  });

  const person = (email: string) => asSetup(() => idp.services.users.create(acme.tenant, { email, password: PASSWORD, name: 'Link Person' }));

  /** Each kind of link, as its mail arrives: what makes the mail go out, and the mailbox it goes to. */
  const kinds: [string, LinkPath, () => Promise<string>][] = [
    ['an invitation', 'invitations', async () => (await call('POST', '/tenants/acme/invitations', admin, { email: 'invited@acme.test' }), 'invited@acme.test')],
    ['a password reset', 'account/reset', async () => (await idp.services.passwordReset.request(acme.tenant, (await person('reset@acme.test')).email!, 'en'), 'reset@acme.test')],
    [
      'an email verification',
      'account/verify',
      async () => (await call('PATCH', `/tenants/acme/users/${(await person('before@acme.test')).id}`, admin, { email: 'after@acme.test' }), 'after@acme.test'),
    ],
  ];

  it.each(kinds)('keeps only the hash of %s token, which is 32 random bytes', async (_kind, path, send) => {
    const link = linkIn((await smtp.mailTo(await send())).mail, path);
    const token = link.slice(link.lastIndexOf('/') + 1);
    const bytes = Buffer.from(token, 'base64url');
    expect(bytes).toHaveLength(32);
    expect(bytes.toString('base64url')).toBe(token);
    // The link works, so this is the token the server knows…
    expect((await new Browser().request(link)).status).toBe(200);

    // …yet no document holds it, in any spelling of its bytes; its hash is stored instead.
    const documents = await rawDocuments(idp.db.connection.db!);
    const spellings = [token, bytes.toString('base64'), bytes.toString('hex')];
    const leaks = documents.filter(({ text }) => spellings.some((s) => text.includes(s))).map((d) => d.collection);
    expect(leaks).toEqual([]);
    const hashed = documents.filter(({ text }) => text.includes(hashLinkToken(token))).map((d) => d.collection);
    expect(hashed).toEqual([path === 'invitations' ? 'invitations' : 'account_tokens']);
  });
});
