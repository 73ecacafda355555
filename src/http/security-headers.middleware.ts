import { randomFillSync } from 'node:crypto';
import type { Context, Next } from 'koa';

/**
 * Headers for every response, and a fresh CSP nonce per request for the pages' inline styles and scripts.
 * Pages load nothing from another origin, cannot be framed, and post forms only to us.
 *
 * `form-action`: Chrome applies it to every redirect that follows a form post, and our sign-in, consent,
 * step and logout forms end in a redirect to the client (its redirect_uri or post_logout_redirect_uri). So a
 * page whose forms lead there lists the origins of that one client's registered URIs (`allowFormTargets`);
 * every other page allows 'self' only. Registered URIs are exact-match, so the list is what the redirect can
 * reach, and no other client's origin is ever allowed on a page.
 *
 * oidc-provider's own auto-submitting pages (form_post responses, the logout confirmation when the session has
 * already ended) carry one inline script and add its hash to `script-src` of the header set here. Rewriting
 * the policy afterwards keeps those hashes: a hash allows that one script only, never inline code in general.
 */
export function securityHeaders() {
  return async function setSecurityHeaders(ctx: Context, next: Next): Promise<void> {
    const nonce = nextNonce();
    ctx.state.cspNonce = nonce;
    ctx.set({
      'Content-Security-Policy': contentSecurityPolicy(nonce, []),
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
    if (ctx.state.consolePolicy) return void ctx.set('Content-Security-Policy', CONSOLE_POLICY);
    // Only a page has forms: an API answer (a token, JSON) keeps the policy that allows 'self' alone.
    if (!isHtml(ctx.response.get('Content-Type'))) return;
    const targets = formTargets(ctx);
    if (targets.length) ctx.set('Content-Security-Policy', contentSecurityPolicy(nonce, targets, scriptHashes(ctx)));
  };
}

/** A text/html answer, as `ctx.response.is('html')` tells, without parsing the type on every API answer. */
function isHtml(contentType: string): boolean {
  return /^\s*text\/html\s*(?:;|$)/i.test(contentType);
}

const NONCE_BYTES = 16;
// Random bytes drawn from the CSPRNG in blocks, each slice used for one nonce only: one call per 256 requests.
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let noncePoolOffset = noncePool.length;

function nextNonce(): string {
  if (noncePoolOffset === noncePool.length) {
    randomFillSync(noncePool);
    noncePoolOffset = 0;
  }
  const nonce = noncePool.toString('base64', noncePoolOffset, noncePoolOffset + NONCE_BYTES);
  noncePoolOffset += NONCE_BYTES;
  return nonce;
}

/**
 * The console is a built single-page app: its scripts and styles are files of our origin, so it needs no
 * nonce, and it talks only to its own origin (the tenant's provider and the admin API).
 */
export const CONSOLE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Answers this response under the console's policy instead of the server-rendered pages' one. */
export function useConsolePolicy(ctx: Context): void {
  ctx.state.consolePolicy = true;
}

/** Lets this page's forms end in a redirect to these URIs' origins (a client's registered redirect URIs). */
export function allowFormTargets(ctx: Context, uris: readonly string[]): void {
  ctx.state.formTargets = [...((ctx.state.formTargets as string[] | undefined) ?? []), ...uris];
}

function contentSecurityPolicy(nonce: string, targets: readonly string[], hashes: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src ${[`'nonce-${nonce}'`, ...hashes].join(' ')}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    `form-action ${["'self'", ...targets].join(' ')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The script hashes the provider added to this response's policy (`'sha256-…'` sources of `script-src`). */
function scriptHashes(ctx: Context): string[] {
  const scriptSrc = String(ctx.response.get('Content-Security-Policy'))
    .split(';')
    .map((directive) => directive.trim().split(/\s+/))
    .find(([name]) => name === 'script-src');
  return (scriptSrc?.slice(1) ?? []).filter((source) => /^'sha(256|384|512)-[A-Za-z0-9+/=]+'$/.test(source));
}

type ClientUris = { redirectUris?: string[]; postLogoutRedirectUris?: string[] };

/** The explicit targets, or for oidc-provider's own pages (logout) those of the client it is serving. */
function formTargets(ctx: Context): string[] {
  const client = (ctx as { oidc?: { client?: ClientUris } }).oidc?.client;
  const uris = (ctx.state.formTargets as string[] | undefined) ?? [...(client?.redirectUris ?? []), ...(client?.postLogoutRedirectUris ?? [])];
  return [...new Set(uris.map(sourceOf).filter((s): s is string => s !== undefined))];
}

/** A CSP source for a URI: its origin for http(s), its scheme for an app's custom scheme (`com.example.app:`). */
function sourceOf(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url) return undefined;
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : undefined;
}
