import { SUPPORTED_LOCALES, type Locale } from '../../src/i18n/locales.js';
import { translate } from '../../src/i18n/messages.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { asSetup, PASSWORD } from '../support/fixtures.js';
import { linkIn, startIdpWithSmtp, TestSmtpServer } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

type Kind = 'invitation' | 'reset' | 'verify';
const PATHS = { invitation: 'invitations', reset: 'account/reset', verify: 'account/verify' } as const;
/** Not ASCII, so a subject that carries it must be encoded right on its way through SMTP. */
const TENANT_NAME = 'Café Nordlys';

/** Every kind of account mail, in every language, as it arrives at a real SMTP server. */
describe('account mail in each language', () => {
  let smtp: TestSmtpServer;
  let idp: TestIdp;
  let tenant: TenantDoc;
  let call: ReturnType<typeof adminClient>;
  let admin: string;

  beforeAll(async () => {
    ({ smtp, idp } = await startIdpWithSmtp());
    tenant = await asSetup(() => idp.services.tenants.create({ slug: 'nordlys', name: TENANT_NAME }));
    call = adminClient(idp);
    admin = await serviceToken(idp, tenant, ['tenant_admin']);
  });
  afterAll(async () => {
    await idp.close();
    await smtp.close();
  });

  const person = (email: string, locale: Locale) => asSetup(() => idp.services.users.create(tenant, { email, password: PASSWORD, locale }));

  /** Makes the mail of `kind` go to a person who reads `locale`; answers the address it goes to. */
  const send: Record<Kind, (locale: Locale) => Promise<string>> = {
    invitation: async (locale) => {
      await call('POST', '/tenants/nordlys/invitations', admin, { email: `invited-${locale}@nordlys.test`, locale });
      return `invited-${locale}@nordlys.test`;
    },
    // Asked for from a page in English: the mail still speaks the person's language.
    reset: async (locale) => {
      await idp.services.passwordReset.request(tenant, (await person(`reset-${locale}@nordlys.test`, locale)).email!, 'en');
      return `reset-${locale}@nordlys.test`;
    },
    verify: async (locale) => {
      const user = await person(`old-${locale}@nordlys.test`, locale);
      await call('PATCH', `/tenants/nordlys/users/${user.id}`, admin, { email: `new-${locale}@nordlys.test` });
      return `new-${locale}@nordlys.test`;
    },
  };

  const cases = (['invitation', 'reset', 'verify'] as const).flatMap((kind) => SUPPORTED_LOCALES.map((locale) => [kind, locale] as [Kind, Locale]));

  it.each(cases)('%s mail in %s: subject with the tenant, html lang, both parts, the link in both', async (kind, locale) => {
    const { mail } = await smtp.mailTo(await send[kind](locale));
    expect(mail.subject).toBe(translate(locale, `mail.${kind}.subject`, { tenant: TENANT_NAME }));
    expect(mail.subject).toContain(TENANT_NAME);
    expect(mail.headers.get('content-language')).toBe(locale);
    expect(mail.html).toContain(`<html lang="${locale}">`);
    expect(mail.text).toContain(translate(locale, `mail.${kind}.intro`, { tenant: TENANT_NAME }));
    expect(mail.html).toContain(translate(locale, `mail.${kind}.action`));
    const link = linkIn(mail, PATHS[kind]);
    expect(link.startsWith(`${idp.baseUrl}/t/nordlys/${PATHS[kind]}/`)).toBe(true);
    expect(mail.html).toContain(`href="${link}"`);
  });
});
