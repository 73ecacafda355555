import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { MailTransport, OutgoingMail } from './mail-transport.js';
import { loadSmtpTls, SmtpMailTransport } from './smtp-transport.js';

/**
 * Development without SMTP_URL: nothing leaves the machine. The mail stays in the outbox (kept, unlike sent
 * mail) for the /dev/mailbox page, and its link is printed, so a developer can follow an invitation at once.
 * The only place a link is ever logged, and it exists only when config.localMailbox is set.
 */
export class LocalMailboxTransport implements MailTransport {
  readonly via = 'local' as const;

  constructor(
    private readonly logger: Logger,
    private readonly mailboxUrl: string,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    this.logger.info({ link: mail.link, mailbox: this.mailboxUrl }, `local mailbox: "${mail.subject}" captured, open ${mail.link}`);
  }

  close(): void {}
}

/** The transport the configuration asks for; none in production without SMTP_URL (mail then waits in the outbox). */
export function transportFromConfig(config: Config, logger: Logger): MailTransport | undefined {
  if (config.smtpUrl) return new SmtpMailTransport(config.smtpUrl, loadSmtpTls(config.smtpTlsCa));
  if (config.localMailbox) return new LocalMailboxTransport(logger, `${config.publicUrl}/dev/mailbox`);
  return undefined;
}
