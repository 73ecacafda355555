import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { OutboxMessage } from '../../src/outbox/outbox.service.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { startTestIdp, type TestIdp } from './test-idp.js';

export interface TestCertificate {
  /** The PEM certificate, self-signed for 127.0.0.1 and localhost: what SMTP_TLS_CA names to trust it. */
  certPath: string;
  key: Buffer;
  cert: Buffer;
}

/** A throw-away certificate made with openssl for this run, so TLS is real and verified, not switched off. */
export function makeCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyPath, '-out', certPath,
  ], { stdio: 'ignore' });
  return { certPath, key: readFileSync(keyPath), cert: readFileSync(certPath) };
}

export interface ReceivedMail {
  mail: ParsedMail;
  rcptTo: string[];
  /** Whether the session was encrypted (implicit TLS or STARTTLS) when the mail was sent. */
  secure: boolean;
  /** The user the client authenticated as, if it did. */
  user?: string;
}

export interface TestSmtpOptions {
  /** `starttls`: plain port that upgrades (SES on 587); `implicit`: TLS from the start (SES on 465); `plain`: no TLS at all. */
  tls: 'starttls' | 'implicit' | 'plain';
  certificate?: TestCertificate;
  /** When set, AUTH with these credentials is required before any mail. */
  auth?: { user: string; pass: string };
  /** Listen on this port (a server coming back where one was down). */
  port?: number;
}

/** A real SMTP server (the smtp-server package) on a loopback port, keeping what it receives, parsed. */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  private server!: SMTPServer;
  port = 0;

  private constructor(private readonly options: TestSmtpOptions) {}

  static async start(options: TestSmtpOptions): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer(options);
    await smtp.listen();
    return smtp;
  }

  /** The SMTP_URL that reaches this server. */
  url(): string {
    const { auth, tls } = this.options;
    const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
    return `${tls === 'implicit' ? 'smtps' : 'smtp'}://${credentials}127.0.0.1:${this.port}`;
  }

  async waitForMail(count: number, timeoutMs = 20_000): Promise<ReceivedMail[]> {
    await eventually(() => this.received.length >= count, timeoutMs, `${count} mail(s); received ${this.received.length}`);
    return this.received;
  }

  /** The latest mail to `address`, once `count` have arrived there. */
  async mailTo(address: string, count = 1, timeoutMs = 20_000): Promise<ReceivedMail> {
    const to = () => this.received.filter((r) => r.rcptTo.includes(address));
    await eventually(() => to().length >= count, timeoutMs, `${count} mail(s) to ${address}`);
    return to().at(-1)!;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private listen(): Promise<void> {
    const { tls, certificate, auth } = this.options;
    this.server = new SMTPServer({
      secure: tls === 'implicit',
      ...(tls !== 'plain' && certificate ? { key: certificate.key, cert: certificate.cert } : {}),
      // `plain` offers no STARTTLS but would take AUTH in clear: only the client's refusal keeps secrets safe.
      disabledCommands: tls === 'plain' ? ['STARTTLS'] : [],
      allowInsecureAuth: tls === 'plain',
      authOptional: !auth,
      logger: false,
      onAuth: (login, _session, callback) => {
        if (auth && login.username === auth.user && login.password === auth.pass) return callback(null, { user: login.username });
        callback(new Error('Invalid username or password'));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.received.push({ mail, rcptTo: session.envelope.rcptTo.map((r) => r.address), secure: session.secure, user: session.user as string | undefined });
            callback();
          })
          .catch(callback);
      },
    });
    this.server.on('error', () => {});
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        this.port = (this.server.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}

/** The environment that points a test app at this server, trusting its certificate, retrying quickly. */
export function smtpEnv(smtp: TestSmtpServer | string, certificate?: TestCertificate): Record<string, string> {
  return {
    SMTP_URL: typeof smtp === 'string' ? smtp : smtp.url(),
    ...(certificate ? { SMTP_TLS_CA: certificate.certPath } : {}),
    MAIL_FROM: 'Doorway <no-reply@doorway.test>',
    MAIL_RETRY_BASE_MS: '40',
    MAIL_RETRY_MAX_MS: '200',
    OUTBOX_POLL_MS: '40',
  };
}

/** A test app that delivers its mail (worker on) over STARTTLS to a real SMTP server of its own. */
export async function startIdpWithSmtp(smtpOptions: Omit<TestSmtpOptions, 'tls' | 'certificate'> = {}): Promise<{ smtp: TestSmtpServer; idp: TestIdp }> {
  const certificate = makeCertificate();
  const smtp = await TestSmtpServer.start({ ...smtpOptions, tls: 'starttls', certificate });
  const idp = await startTestIdp({ mailWorker: true, env: smtpEnv(smtp, certificate) });
  return { smtp, idp };
}

/** Polls until `check` holds (asynchronous work such as a mail worker); fails naming what never happened. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The one link of a given path in a mail's text part. */
export function linkIn(mail: ParsedMail, path: 'invitations' | 'account/reset' | 'account/verify'): string {
  const match = new RegExp(`https?://\\S+/${path}/[A-Za-z0-9_-]{43}`).exec(mail.text ?? '');
  if (!match) throw new Error(`No ${path} link in the mail`);
  return match[0];
}

/** The latest mail queued for `to`, opened from the outbox as the mail worker would send it: for tests without SMTP. */
export async function queuedMail(idp: TestIdp, tenant: TenantDoc, to: string): Promise<OutboxMessage> {
  const jobs = await idp.db.models.mailOutbox.find({ tenantId: tenant._id }).sort({ createdAt: 1 }).lean();
  const messages = jobs.map((job) => idp.services.outbox.open(tenant, job)).filter((m) => m?.to === to);
  if (!messages.length) throw new Error(`No mail queued for ${to}`);
  return messages.at(-1)!;
}
