import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';

/** oidc-provider's own cap on a token request's body (lib/shared/selective_body.js): nothing larger is read. */
const BODY_LIMIT = 56 * 1024;

/**
 * The client a token request says it comes from, before oidc-provider has looked: the user of HTTP Basic
 * credentials (client_secret_basic), else the form's `client_id` (client_secret_post, public clients). Only a
 * claim: the caller spends a client's allowance once the provider has authenticated the request as that client.
 */
export async function claimedClientId(ctx: Context): Promise<string | undefined> {
  const basic = basicClientId(ctx.get('authorization'));
  if (basic) return basic;
  return (await tokenRequestForm(ctx))?.get('client_id') || undefined;
}

const FORM = Symbol('token request form');

/**
 * The token request's form, read ahead of oidc-provider once however many checks ask; undefined for a body the
 * provider refuses unread (too large, not a form), which names nothing worth checking.
 */
export async function tokenRequestForm(ctx: Context): Promise<URLSearchParams | undefined> {
  const state = ctx.state as { [FORM]?: Promise<URLSearchParams | undefined> };
  state[FORM] ??= (async () => {
    if (ctx.method !== 'POST' || !ctx.is('application/x-www-form-urlencoded') || (ctx.request.length ?? 0) > BODY_LIMIT) return undefined;
    const body = await readAhead(ctx);
    return body && new URLSearchParams(body.toString('utf8'));
  })();
  return state[FORM];
}

/**
 * Reads the body and leaves behind a request that yields the same bytes, so that oidc-provider reads it as it
 * would have: from a readable stream, with its own checks of size and length, and its own error if a check
 * fails. Finding the stream used up, it would fall back to a pre-parsed body, which it warns against.
 */
async function readAhead(ctx: Context): Promise<Buffer | undefined> {
  const original = ctx.req;
  let body: Buffer | undefined;
  let failure: unknown;
  try {
    body = await readAll(original);
  } catch (err) {
    failure = err;
  }
  // Everything else (headers, url, socket, events) is the original request's, through the prototype.
  ctx.req = Object.create(original, {
    readable: { value: true },
    readableEncoding: { value: null },
    iterator: {
      value: async function* replay() {
        if (failure) throw failure;
        yield body!;
      },
    },
  }) as IncomingMessage;
  return body;
}

/**
 * The whole body, by the stream's events (an async iterator costs more than the read itself on a small form).
 * Past the limit, reading stops and the stream is paused, not destroyed: the provider still answers the
 * request, with its own error.
 */
function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) return void chunks.push(chunk);
      stop();
      req.pause();
      reject(new Error('request entity too large'));
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    // A client gone before the end of its body: the stream's error (ECONNRESET), and a close without an end to be sure.
    const onClose = () => onError(new Error('request aborted'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** The client id of `Authorization: Basic` credentials (form-encoded, RFC 6749 §2.3.1), if any. */
function basicClientId(header: string): string | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
