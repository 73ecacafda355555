import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { MailTransport, OutgoingMail } from './mail-transport.js';

export interface SmtpTlsOptions {
  /** PEM certificate authorities to trust besides the system's (SMTP_TLS_CA). */
  ca?: string | Buffer;
}

/**
 * Every SMTP connection option, in one place. `smtp://user:pass@host:587` must upgrade with STARTTLS before
 * anything else is said (credentials and mail never cross in clear; a server without STARTTLS is refused),
 * `smtps://host:465` speaks TLS from the first byte. Both are how AWS SES's SMTP interface is reached.
 * `?tls=off` is for local mail catchers only, which speak plain SMTP. Certificates are always verified.
 */
export function smtpTransportOptions(smtpUrl: string, tls: SmtpTlsOptions = {}): SMTPTransportOptions {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new TypeError('SMTP_URL must start with smtp:// or smtps://');
  const implicitTls = url.protocol === 'smtps:';
  const plain = !implicitTls && url.searchParams.get('tls') === 'off';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    secure: implicitTls,
    requireTLS: !implicitTls && !plain,
    ignoreTLS: plain,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    tls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(tls.ca ? { ca: tls.ca } : {}) },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    // Messages are built from our templates only; nothing in them may make the mailer read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** Reads SMTP_TLS_CA once at start, so a missing file stops the process instead of every delivery. */
export function loadSmtpTls(caFile: string | undefined): SmtpTlsOptions {
  return caFile ? { ca: readFileSync(caFile) } : {};
}

/** Delivery over SMTP with nodemailer: one connection per message, which suits the low volume of account mail. */
export class SmtpMailTransport implements MailTransport {
  readonly via = 'smtp' as const;
  private readonly transporter;

  constructor(smtpUrl: string, tls: SmtpTlsOptions = {}) {
    this.transporter = nodemailer.createTransport(smtpTransportOptions(smtpUrl, tls));
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail({
      messageId: mail.messageId,
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      headers: {
        'Content-Language': mail.locale,
        // RFC 3834: an automatic message; out-of-office replies should not answer it.
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
      },
    });
  }

  close(): void {
    this.transporter.close();
  }
}
