/** A rendered mail, ready for a transport. */
export interface OutgoingMail {
  /** Stable per outbox job, so a receiving system can tell a repeated delivery from a new mail. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  locale: string;
  /** The one link the mail is about; the local mailbox prints it. */
  link: string;
}

export interface MailTransport {
  readonly via: 'smtp' | 'local';
  /** Resolves once the receiving server has accepted the message; rejects before that. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export interface DeliveryFailure {
  /** A code such as `ECONNECTION` or `EENVELOPE 550`: never the server's text, which may quote the recipient. */
  code: string;
  /** Retrying cannot help: the server refused this recipient or this message for good. */
  permanent: boolean;
}

/**
 * Sorts a failed send. Only a definite 5xx refusal of the envelope or the message is final; everything else
 * (no connection, no TLS, a refused login, 4xx) may heal, so the mail is tried again later.
 */
export function classifyFailure(err: unknown): DeliveryFailure {
  const e = err as { code?: unknown; responseCode?: unknown };
  const code = typeof e?.code === 'string' && /^[A-Z][A-Z0-9_]{1,31}$/.test(e.code) ? e.code : 'EUNKNOWN';
  const responseCode = typeof e?.responseCode === 'number' && Number.isInteger(e.responseCode) ? e.responseCode : undefined;
  const refused = responseCode !== undefined && responseCode >= 500 && responseCode < 600;
  return {
    code: responseCode ? `${code} ${responseCode}` : code,
    permanent: refused && (code === 'EENVELOPE' || code === 'EMESSAGE'),
  };
}
