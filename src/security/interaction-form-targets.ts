import type { Context, Next } from 'koa';
import { allowFormTargets } from '../http/security-headers.middleware.js';
import type { TenantRuntime } from '../tenants/tenant-runtime.js';

const INTERACTION_PATH = /\/interaction\/([^/]+)/;

/**
 * For every page under /interaction/<uid> (sign-in, consent, every sign-in step), lets its forms end in a
 * redirect to the interaction's client: its redirect URIs' origins join the page's CSP `form-action`. Looked
 * up once the page is rendered, so no step has to remember it.
 */
export function interactionFormTargets() {
  return async function allowClientRedirects(ctx: Context, next: Next): Promise<void> {
    await next();
    const uid = INTERACTION_PATH.exec(ctx.path)?.[1];
    // A re-rendered form (a wrong password, 400) leads there too once it succeeds.
    if (!uid || !ctx.response.is('html')) return;
    const { provider } = ctx.state.runtime as TenantRuntime;
    const interaction = await provider.Interaction.find(uid);
    const clientId = interaction?.params.client_id;
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    if (client?.redirectUris) allowFormTargets(ctx, client.redirectUris);
  };
}
