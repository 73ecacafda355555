import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/observability/logger.js';
import { adminClient, serviceToken } from '../support/admin.js';
import { Browser } from '../support/browser.js';
import { createTenantFixture } from '../support/fixtures.js';
import { eventually } from '../support/smtp.js';
import { startTestIdp, type TestIdp } from '../support/test-idp.js';

describe('local mailbox (no SMTP_URL, not production)', () => {
  let idp: TestIdp;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    idp = await startTestIdp({ mailWorker: true, logger });
  });
  afterAll(() => idp.close());

  it('captures an invitation instead of sending it, prints its link, and lists it on /dev/mailbox', async () => {
    const { tenant } = await createTenantFixture(idp.services, 'local');
    const token = await serviceToken(idp, tenant, ['tenant_admin']);
    const created = await adminClient(idp)('POST', '/tenants/local/invitations', token, { email: 'dev@local.test', locale: 'sv' });
    expect(created.status).toBe(202);

    await eventually(() => lines.some((l) => typeof l.link === 'string' && l.link.includes('/t/local/invitations/')), 10_000, 'the printed link');
    const link = lines.find((l) => typeof l.link === 'string')!.link as string;
    expect(JSON.stringify(lines)).not.toContain('dev@local.test');
    await eventually(async () => (await adminClient(idp)('GET', `/tenants/local/invitations/${created.body.id}`, token)).body.delivery_state === 'sent', 10_000, 'the sent mark');

    const mailbox = await fetch(`${idp.baseUrl}/dev/mailbox`);
    const html = await mailbox.text();
    expect(mailbox.status).toBe(200);
    expect(html).toContain('Din inbjudan till Tenant local');
    expect(html).toContain('dev@local.test');
    expect(html).toContain(`href="${link}"`);
    expect((await new Browser().request(link)).status).toBe(200);
  });
});

describe('/dev/mailbox outside local mode', () => {
  it.each([
    ['SMTP_URL is set', { SMTP_URL: 'smtp://127.0.0.1:2525?tls=off' }],
    ['in production', { NODE_ENV: 'production', IDP_MASTER_KEY: randomBytes(32).toString('base64') }],
  ])('does not exist when %s', async (_, env) => {
    const idp = await startTestIdp({ env });
    try {
      expect(idp.config.localMailbox).toBe(false);
      expect((await fetch(`${idp.baseUrl}/dev/mailbox`)).status).toBe(404);
    } finally {
      await idp.close();
    }
  });
});
