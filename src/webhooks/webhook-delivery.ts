import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { RefusedTargetError, resolvePublic, type TargetPolicy } from './webhook-target.js';

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What one attempt came to: `ok` for a 2xx answer; otherwise a code to keep (never the receiver's text). */
export type AttemptOutcome = { ok: true; status: number } | { ok: false; status?: number; code: string; permanent: boolean };

const TIMEOUT_MS = 10_000;

/**
 * The connection goes to the address checked here, at delivery, never to a second lookup: a name that resolved
 * to a public address at registration and now answers with an internal one (DNS rebinding) is refused, and so
 * is an address literal (which Node would connect to without any lookup).
 */
function pinnedLookup(pinned: { address: string; family: number }): LookupFunction {
  return (_hostname, options, callback) => {
    if (typeof options === 'object' && options.all) return (callback as unknown as (e: null, a: (typeof pinned)[]) => void)(null, [pinned]);
    callback(null, pinned.address, pinned.family);
  };
}

/** One POST of a signed event; redirects are not followed (a 3xx is a failed attempt). */
export async function postWebhook(post: WebhookPost, policy: TargetPolicy): Promise<AttemptOutcome> {
  const url = new URL(post.url);
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) {
    return { ok: false, code: 'REFUSED_SCHEME', permanent: true };
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  let pinned: { address: string; family: number };
  try {
    [pinned] = (await resolvePublic(url.hostname, policy)) as [{ address: string; family: number }];
  } catch (err) {
    if (err instanceof RefusedTargetError) return { ok: false, code: err.code, permanent: err.code !== 'UNRESOLVED' };
    throw err;
  }
  const headers = { ...post.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(post.body)), 'user-agent': 'Doorway-Webhooks/1' };
  return new Promise((resolve) => {
    const req = send(url, { method: 'POST', headers, lookup: pinnedLookup(pinned), timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on('end', () => resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, code: `HTTP_${status}`, permanent: false }));
      res.on('error', () => resolve({ ok: false, status, code: 'RESPONSE_ERROR', permanent: false }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve({ ok: false, code: err.message === 'timeout' ? 'TIMEOUT' : (err.code ?? 'NETWORK_ERROR'), permanent: false });
    });
    req.end(post.body);
  });
}
