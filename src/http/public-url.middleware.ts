import type { Middleware } from 'koa';

/**
 * oidc-provider builds every URL it publishes (discovery, redirects to its own endpoints) from the request's
 * `href`, which Koa takes from the Host header, from X-Forwarded-Host and -Proto when `proxy` is on, or from
 * an absolute request target. Any of these comes from whoever sends the request: a forged Host would have
 * discovery point clients at another server. So the URL a request is taken to be for is PUBLIC_URL and its
 * path, always; only the transport's own security (secure cookies) is still read from the request.
 */
export function pinToPublicUrl(publicUrl: string): Middleware {
  const base = new URL(publicUrl);
  return async function publicUrlOnly(ctx, next) {
    // Path and query alone, as Koa parses them: an absolute-form target ("GET http://evil.test/...") names a host.
    const href = `${publicUrl}${ctx.path}${ctx.search}`;
    Object.defineProperties(ctx.request, {
      href: { value: href, configurable: true },
      host: { value: base.host, configurable: true },
      hostname: { value: base.hostname, configurable: true },
    });
    await next();
  };
}
