import type { Context, Next } from 'koa';
import { allowFormTargets } from '../http/security-headers.middleware.js';
import { loadedInteraction } from '../oidc/interaction-context.js';
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
    // A re-rendered form (a wrong password, 400) leads there too once it succeeds. A redirect holds no form.
    if (!uid || !ctx.response.is('html') || (ctx.status >= 300 && ctx.status < 400)) return;
    const { provider } = ctx.state.runtime as TenantRuntime;
    // The page has read its interaction already (interaction-context.ts); a read of our own only where it has not.
    const loaded = await loadedInteraction(ctx)?.catch(() => undefined);
    const interaction = loaded?.uid === uid ? loaded : await provider.Interaction.find(uid);
    const clientId = interaction?.params.client_id;
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    if (client?.redirectUris) allowFormTargets(ctx, client.redirectUris);
  };
}
