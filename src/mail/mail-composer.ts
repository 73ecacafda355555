import { join } from 'node:path';
import type { Locale } from '../i18n/locales.js';
import { translate, type MessageKey, type MessageParams } from '../i18n/messages.js';
import type { MailKind } from '../outbox/outbox.model.js';
import type { OutboxMessage } from '../outbox/outbox.service.js';
import { createViewRenderer, type ViewRenderer } from '../views/view-renderer.js';

export interface ComposeInput {
  kind: MailKind;
  locale: Locale;
  tenantName: string;
  to: string;
  /** The recipient's name, when known, for the greeting. */
  name?: string;
  link: string;
  expiresAt: Date;
}

const PREFIX = { invitation: 'mail.invitation', password_reset: 'mail.reset', email_verification: 'mail.verify' } as const;

/** "in 7 days", "om 60 minutter": the expiry relative to now, since the recipient's time zone is unknown. */
export function relativeExpiry(locale: Locale, expiresAt: Date, now = new Date()): string {
  const minutes = Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 60_000));
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  if (minutes < 60) return format.format(minutes, 'minute');
  if (minutes < 48 * 60) return format.format(Math.round(minutes / 60), 'hour');
  return format.format(Math.round(minutes / (24 * 60)), 'day');
}

/**
 * Renders account mail, HTML and plain text, in the recipient's language and with the tenant's name, from
 * views/mail. Both parts say the same; the text part is for clients that show no HTML.
 */
export class MailComposer {
  private readonly views: ViewRenderer;

  constructor(viewsDir: string) {
    this.views = createViewRenderer({ viewsDir: join(viewsDir, 'mail') });
  }

  compose(input: ComposeInput): OutboxMessage {
    const { locale, tenantName: tenant, link } = input;
    const t = (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
    const p = PREFIX[input.kind];
    const content = {
      subject: t(`${p}.subject` as const, { tenant }),
      greeting: input.name ? t('mail.greeting', { name: input.name }) : t('mail.greetingUnnamed'),
      intro: t(`${p}.intro` as const, { tenant }),
      action: t(`${p}.action` as const),
      link,
      expires: t('mail.expires', { when: relativeExpiry(locale, input.expiresAt) }),
      linkFallback: t('mail.linkFallback'),
      ignore: t(`${p}.ignore` as const, { tenant }),
      footer: t('mail.footer', { tenant }),
    };
    const data = { locale, nonce: '', tenantName: tenant, title: content.subject, ...content };
    return {
      to: input.to,
      subject: content.subject,
      html: this.views.render('message', data),
      text: this.views.render('message-text', data),
      locale,
      link,
    };
  }
}
