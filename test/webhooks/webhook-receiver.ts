import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** The path and query it was sent to. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver on a loopback port. It answers the next `failNext` requests with 503, as a receiver that
 * is down for a deployment would; `received` keeps only what it accepted with 204.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  refusedCount = 0;
  failNext = 0;
  private server: Server | undefined;
  private waiters: { until: (all: Received[]) => boolean; resolve: () => void }[] = [];

  constructor(private port = 0) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.failNext > 0) {
          this.failNext -= 1;
          this.refusedCount += 1;
          res.writeHead(503).end();
          return;
        }
        this.received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
        this.waiters = this.waiters.filter((w) => (w.until(this.received) ? (w.resolve(), false) : true));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Resolves once the accepted requests satisfy `until` (jest's timeout bounds the wait). */
  waitFor(until: (all: Received[]) => boolean): Promise<void> {
    if (until(this.received)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ until, resolve }));
  }

  ofType(type: string): Received[] {
    return this.received.filter((r) => (JSON.parse(r.body) as { type: string }).type === type);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
