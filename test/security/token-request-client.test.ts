import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import Koa from 'koa';
import { tokenRequestForm } from '../../src/security/token-request-client.js';

/** What the read-ahead gave (the form's fields) and what the provider then reads from the request, as it reads it. */
interface Outcome {
  form?: Record<string, string>;
  replayed: string | Error;
}

/**
 * The form of a token request is read ahead of oidc-provider (src/security/token-request-client.ts), which then
 * reads the same bytes from the request as from a stream. Here a bare Koa app does what the token endpoint's
 * middleware and the provider do, and raw sockets send what a client could: a form in pieces, a body cut short.
 */
describe('a token request form read ahead of the provider', () => {
  let server: Server;
  let port: number;
  let settled: (outcome: Outcome) => void = () => undefined;

  beforeAll(async () => {
    const app = new Koa();
    // A request cut short is an error of its connection, which the app, like ours, does not print.
    app.silent = true;
    app.use(async (ctx) => {
      const form = await tokenRequestForm(ctx);
      let replayed: string | Error;
      try {
        const chunks: Buffer[] = [];
        // As oidc-provider's selective body reads it.
        for await (const chunk of (ctx.req as IncomingMessage).iterator({ destroyOnReturn: false })) chunks.push(chunk as Buffer);
        replayed = Buffer.concat(chunks).toString('utf8');
      } catch (err) {
        replayed = err as Error;
      }
      settled({ form: form && Object.fromEntries(form), replayed });
      ctx.body = 'ok';
    });
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const nextOutcome = () => new Promise<Outcome>((resolve) => (settled = resolve));
  const open = async (length: number): Promise<Socket> => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`);
    return socket;
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('reads a form sent in pieces whole, and leaves the provider the same bytes', async () => {
    const body = 'grant_type=refresh_token&client_id=app%201&refresh_token=abc';
    const outcome = nextOutcome();
    const socket = await open(Buffer.byteLength(body));
    for (const piece of [body.slice(0, 10), body.slice(10, 30), body.slice(30)]) {
      socket.write(piece);
      await pause();
    }
    expect(await outcome).toEqual({ form: { grant_type: 'refresh_token', client_id: 'app 1', refresh_token: 'abc' }, replayed: body });
    socket.destroy();
  });

  it('gives up on a body whose client went away before its end, and the provider finds the read failed', async () => {
    const outcome = nextOutcome();
    const socket = await open(1000);
    socket.write('grant_type=client_credentials&cl');
    await pause();
    socket.destroy();
    const { form, replayed } = await outcome;
    expect(form).toBeUndefined();
    // The stream's own error for a connection reset before the end (jest's realm has its own Error class).
    expect(replayed).toMatchObject({ code: 'ECONNRESET' });
  });

  it('reads an empty form as empty', async () => {
    const outcome = nextOutcome();
    const socket = await open(0);
    expect(await outcome).toEqual({ form: {}, replayed: '' });
    socket.destroy();
  });
});
