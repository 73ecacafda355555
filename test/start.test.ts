import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Agent, get } from 'node:http';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { MongoClient } from 'mongodb';
import { freePort } from '../src/db/launcher/server-process.js';
import { projectRoot } from '../src/project-root.js';
import { withDatabaseName } from './support/database.js';

/**
 * `npm start` as the README tells a new user to run it: it builds, starts a local database (none is
 * configured), seeds the demo tenant, prints its URLs and serves them; stopped and started again, it keeps
 * its data. The demo values are the README's.
 */
describe('npm start', () => {
  const root = projectRoot();
  const dataDir = join(root, '.data', `test-start-${randomBytes(4).toString('hex')}`);
  // A developer who points the tests at their own server gets a database of its own here, for both starts.
  const ownDatabase = process.env.MONGODB_URI && withDatabaseName(process.env.MONGODB_URI, `idp_start_${randomBytes(4).toString('hex')}`);
  let port: number;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    port = await freePort();
  });
  afterAll(async () => {
    if (server?.exitCode === null && server.signalCode === null) process.kill(-server.pid!, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    if (ownDatabase) {
      const client = await MongoClient.connect(ownDatabase);
      await client.db().dropDatabase();
      await client.close();
    }
  });

  function environment(): NodeJS.ProcessEnv {
    const { MONGODB_URI: _uri, IDP_TEST_MONGODB_URI: _test, IDP_MASTER_KEY: _key, ...env } = process.env;
    const database = ownDatabase ? { MONGODB_URI: ownDatabase, SEED_DEMO: 'true' } : {};
    return { ...env, ...database, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'development' };
  }

  /** Starts `npm start` and resolves with what it printed once the demo values (the console URL last) are out. */
  function start(): Promise<string> {
    // A process group of its own: npm, the server and the database it starts are stopped together, as by Ctrl-C.
    const child = spawn('npm', ['start'], { cwd: root, env: environment(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    server = child;
    let output = '';
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (/demo console: .*\n/.test(output)) resolve(output);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before serving:\n${output}`)));
    });
  }

  /** Ctrl-C, then what the server printed until it exited. */
  function stop(): Promise<string> {
    const child = server!;
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    return new Promise((resolve) => {
      child.once('exit', () => resolve(output));
      process.kill(-child.pid!, 'SIGINT');
    });
  }

  async function demoServiceToken(): Promise<string> {
    const res = await fetch(`http://localhost:${port}/t/demo/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('demo-app:demo-app-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'urn:demo:locks' }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  /** The keep-alive timeout an answer announces (`timeout=<s>`), which clients and load balancers go by. */
  function keepAliveHint(url: string): Promise<string | undefined> {
    const agent = new Agent({ keepAlive: true });
    return new Promise<string | undefined>((resolve, reject) => {
      get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers['keep-alive'] as string | undefined));
      }).on('error', reject);
    }).finally(() => agent.destroy());
  }

  it('serves the demo tenant it prints, and keeps its data across a restart', async () => {
    const printed = await start();
    const issuer = `http://localhost:${port}/t/demo`;
    expect(printed).toContain(`demo issuer:    ${issuer}`);
    expect(printed).toContain('demo client:    demo-app / demo-app-secret');
    expect(printed).toContain('demo user:      alice@demo.test / Correct-Horse-Battery-9');
    expect(printed).toContain('demo admin:     admin@demo.test / Correct-Horse-Battery-9  (tenant_admin)');
    expect(printed).toContain(`demo console:   http://localhost:${port}/t/demo/console/`);
    // npm start runs the server on the Node the scripts use, one that oidc-provider supports.
    expect(printed).not.toContain('oidc-provider WARNING');

    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(issuer);
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const before = await jwtVerify(await demoServiceToken(), jwks, { issuer, audience: 'urn:demo:locks' });
    expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);
    // Idle connections outlive a load balancer's (60 s on AWS's), which would otherwise reuse one just closed.
    expect(await keepAliveHint(`http://localhost:${port}/healthz`)).toBe('timeout=65');
    expect(await stop()).toMatch(/"msg":"stopped"/);

    await start();
    // Signed with the key made at the first start: the tenant, its client and its keys survived the restart.
    const after = await jwtVerify(await demoServiceToken(), createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer, audience: 'urn:demo:locks' });
    expect(after.protectedHeader.kid).toBe(before.protectedHeader.kid);
    expect(await stop()).toMatch(/"msg":"stopped"/);
  }, 300_000);
});
