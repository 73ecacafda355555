import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  form?: Record<string, string>;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Plain node:http over one keep-alive agent: the load generator shares the machine with the server, so its own
 * cost per request has to stay small (fetch costs several times as much CPU per request).
 */
export class HttpClient {
  /**
   * `timeout` makes the agent heed a server's `Keep-Alive: timeout=<s>` hint and drop an idle connection a second
   * before the server does; without one, node:http keeps idle connections forever and reuses one just as the
   * server closes it ("socket hang up"), which a server idle for exactly its keep-alive timeout between two
   * turns met.
   */
  readonly agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: REQUEST_TIMEOUT_MS });

  send(url: string, init: RequestInit = {}): Promise<Reply> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = request(target, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`timeout: ${init.method ?? 'GET'} ${target.pathname}`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * One browser's cookies. Paths and expiry are ignored except for deletion, as in test/support/browser.ts: a
 * flow against one host only needs its cookies sent back.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  store(reply: Reply): void {
    const lines = reply.headers['set-cookie'] ?? [];
    for (const line of Array.isArray(lines) ? lines : [lines]) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export function basicAuth(clientId: string, secret: string): Record<string, string> {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return { authorization: `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}` };
}
