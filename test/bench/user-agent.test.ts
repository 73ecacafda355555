import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpClient } from '../../bench/user-agent.js';

/**
 * The load generator's client keeps connections alive between requests, but not past what the server announces:
 * a server closes an idle connection after its keep-alive timeout, and a request sent on it just then fails.
 */
describe("the bench's HTTP client", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    // Announced as `Keep-Alive: timeout=2`; the client drops an idle connection a second before.
    server.keepAliveTimeout = 2000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const idleConnections = (client: HttpClient) => Object.values(client.agent.freeSockets).flat().length;

  it('reuses an idle connection, and drops it before the keep-alive timeout the server announced', async () => {
    const client = new HttpClient();
    expect((await client.send(url)).body).toBe('ok');
    expect(idleConnections(client)).toBe(1);

    await sleep(1300);
    expect(idleConnections(client)).toBe(0);
    expect((await client.send(url)).status).toBe(200);
    client.agent.destroy();
  });
});
