import type { Logger } from 'pino';
import type { WebhookService } from './webhook.service.js';

/**
 * Sign-ins as webhook events. Ids only: a failed sign-in names the user only when the password was right for
 * an account that may not sign in (locked, restricted); a wrong password names nobody, never the address typed.
 * A sign-in is not held up by its event: a failure to queue one is logged.
 */
export class SignInEvents {
  constructor(
    private readonly webhooks: WebhookService,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  succeeded(tenantId: string, userId: string, amr: string[]): Promise<void> {
    return this.emit(tenantId, { type: 'sign_in.succeeded', subjectId: userId, data: { user_id: userId, amr } });
  }

  failed(tenantId: string, failure: { userId?: string; method: 'password' | 'passkey'; reason: string }): Promise<void> {
    const data = { ...(failure.userId ? { user_id: failure.userId } : {}), method: failure.method, reason: failure.reason };
    return this.emit(tenantId, { type: 'sign_in.failed', subjectId: failure.userId, data });
  }

  private async emit(tenantId: string, event: Parameters<WebhookService['emit']>[1]): Promise<void> {
    await this.webhooks.emit(tenantId, event).catch((err: unknown) => this.logger.warn({ err, tenantId, type: event.type }, 'webhook event not queued'));
  }
}
