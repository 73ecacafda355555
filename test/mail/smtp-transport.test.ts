import { readFileSync } from 'node:fs';
import { classifyFailure, type OutgoingMail } from '../../src/mail/mail-transport.js';
import { SmtpMailTransport, smtpTransportOptions } from '../../src/mail/smtp-transport.js';
import { makeCertificate, TestSmtpServer, type TestCertificate } from '../support/smtp.js';

const mail = (to = 'person@example.test'): OutgoingMail => ({
  messageId: '<mal_test@doorway.test>',
  from: 'Doorway <no-reply@doorway.test>',
  to,
  subject: 'Hello',
  html: '<p>Hello</p>',
  text: 'Hello',
  locale: 'en',
  link: 'http://localhost/t/acme/invitations/x',
});

describe('SMTP transport options (SMTP_URL)', () => {
  it('reads smtp:// as the submission port with STARTTLS required and AUTH, as SES on 587', () => {
    const options = smtpTransportOptions('smtp://AKIA%2Fuser:s%40cret@email-smtp.eu-central-1.amazonaws.com:587');
    expect(options).toMatchObject({ host: 'email-smtp.eu-central-1.amazonaws.com', port: 587, secure: false, requireTLS: true, ignoreTLS: false });
    expect(options.auth).toEqual({ user: 'AKIA/user', pass: 's@cret' });
    expect(options.tls).toMatchObject({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  });

  it('reads smtps:// as TLS from the first byte, port 465 by default', () => {
    expect(smtpTransportOptions('smtps://u:p@email-smtp.eu-west-1.amazonaws.com')).toMatchObject({ port: 465, secure: true, requireTLS: false });
  });

  it('speaks plain SMTP only when told so with tls=off (local mail catchers)', () => {
    expect(smtpTransportOptions('smtp://mail:1025?tls=off')).toMatchObject({ port: 1025, secure: false, requireTLS: false, ignoreTLS: true, auth: undefined });
    expect(smtpTransportOptions('smtps://mail:465?tls=off')).toMatchObject({ secure: true });
  });
});

describe('delivery failures', () => {
  it('gives up at once only on a definite refusal of the recipient or the message', () => {
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 550 }))).toEqual({ code: 'EENVELOPE 550', permanent: true });
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 451 }))).toEqual({ code: 'EENVELOPE 451', permanent: false });
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 535 })).permanent).toBe(false);
    expect(classifyFailure(Object.assign(new Error('x'), { code: 'ETLS' }))).toEqual({ code: 'ETLS', permanent: false });
  });

  it('keeps no server text, which may quote the recipient', () => {
    const failure = classifyFailure(Object.assign(new Error('550 <bob@example.test> unknown'), { code: 'bob@example.test', responseCode: 550 }));
    expect(JSON.stringify(failure)).not.toContain('bob');
  });
});

describe('delivery over SMTP to a real server', () => {
  let certificate: TestCertificate;
  const servers: TestSmtpServer[] = [];
  const transports: SmtpMailTransport[] = [];
  const start = async (options: Omit<Parameters<typeof TestSmtpServer.start>[0], 'certificate'>) => {
    const server = await TestSmtpServer.start({ ...options, certificate });
    servers.push(server);
    return server;
  };
  const transport = (url: string, trust = true) => {
    const t = new SmtpMailTransport(url, trust ? { ca: readFileSync(certificate.certPath) } : {});
    transports.push(t);
    return t;
  };

  beforeAll(() => {
    certificate = makeCertificate();
  });
  afterAll(async () => {
    transports.forEach((t) => t.close());
    await Promise.all(servers.map((s) => s.close()));
  });

  it('upgrades with STARTTLS, then authenticates and sends (SES on 587)', async () => {
    const server = await start({ tls: 'starttls', auth: { user: 'ses-user', pass: 'ses-pass' } });
    await transport(server.url()).send(mail());
    const [received] = await server.waitForMail(1);
    expect(received).toMatchObject({ secure: true, user: 'ses-user', rcptTo: ['person@example.test'] });
    expect(received!.mail.messageId).toBe('<mal_test@doorway.test>');
    expect(received!.mail.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('sends over TLS from the first byte (SES on 465)', async () => {
    const server = await start({ tls: 'implicit', auth: { user: 'ses-user', pass: 'ses-pass' } });
    await transport(server.url()).send(mail());
    expect((await server.waitForMail(1))[0]).toMatchObject({ secure: true, user: 'ses-user' });
  });

  it('refuses a server that offers no STARTTLS: neither the password nor the mail crosses in clear', async () => {
    const server = await start({ tls: 'plain', auth: { user: 'ses-user', pass: 'ses-pass' } });
    await expect(transport(server.url()).send(mail())).rejects.toMatchObject({ code: 'ETLS' });
    expect(server.received).toHaveLength(0);
  });

  it('refuses a certificate it cannot verify', async () => {
    const server = await start({ tls: 'starttls' });
    await expect(transport(server.url(), false).send(mail())).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(server.received).toHaveLength(0);
  });

  it('speaks plain SMTP to a local catcher when SMTP_URL says tls=off', async () => {
    const server = await start({ tls: 'plain' });
    await transport(`${server.url()}?tls=off`).send(mail());
    expect((await server.waitForMail(1))[0]!.secure).toBe(false);
  });
});
