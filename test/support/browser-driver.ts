import { existsSync, mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import * as client from 'openid-client';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../src/project-root.js';
import { asSetup, createTenantFixture, type TenantFixture } from './fixtures.js';
import { startTestIdp, type TestIdp, type TestIdpOptions } from './test-idp.js';

/** Debian's chromium: npm test's pretest step installs it (scripts/bootstrap.mjs); tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (npm test's pretest step does this as root)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * The identity provider at http://localhost:<port>, as a browser must reach it for passkeys (WebAuthn refuses IP
 * addresses as relying party ids): a TCP relay on a loopback port, like the proxy in front of production, and
 * PUBLIC_URL naming it.
 */
export async function startLocalhostIdp(options: TestIdpOptions = {}): Promise<TestIdp & { publicUrl: string }> {
  let target = 0;
  const sockets = new Set<{ destroy(): void }>();
  const relay: TcpServer = createTcpServer((socket) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const publicUrl = `http://localhost:${(relay.address() as AddressInfo).port}`;
  const idp = await startTestIdp({ ...options, env: { ...options.env, PUBLIC_URL: publicUrl } });
  target = (idp.server.address() as AddressInfo).port;
  return {
    ...idp,
    publicUrl,
    async close() {
      // A browser keeps its connections open; they would hold the relay (and the test run) open.
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
      await idp.close();
    },
  };
}

/**
 * A relying party's redirect URI on another loopback port: records each authorization response it receives,
 * in the query (`received`) or posted as a form (`posted`, response_mode=form_post). Another `path` makes it an
 * app's other endpoint, such as its back-channel logout URI.
 */
export async function startCallbackServer(path = '/callback'): Promise<{ redirectUri: string; received: URL[]; posted: URLSearchParams[]; close(): Promise<void> }> {
  const received: URL[] = [];
  const posted: URLSearchParams[] = [];
  const server: Server = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // The browser also asks for /favicon.ico: only the callback is an authorization response.
    if (url.pathname !== path) return void res.writeHead(404).end();
    received.push(url);
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      posted.push(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>Signed in</title><p>Back at the application.</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return {
    redirectUri,
    received,
    posted,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface RelyingPartyWorld {
  idp: TestIdp & { publicUrl: string };
  chromium: Browser;
  rp: Awaited<ReturnType<typeof startCallbackServer>>;
  fixture: TenantFixture;
  /** The relying party's configuration from discovery, for its client `clientId`. */
  oidc: client.Configuration;
  clientId: string;
  close(): Promise<void>;
}

/**
 * Chromium, the identity provider on localhost, a tenant, and a confidential app on another loopback port
 * (another site) whose redirect and post-logout URI is `rp.redirectUri`.
 */
export async function startRelyingPartyWorld(slug: string): Promise<RelyingPartyWorld> {
  const browser = await launchChromium();
  const idp = await startLocalhostIdp();
  const rp = await startCallbackServer();
  const fixture = await createTenantFixture(idp.services, slug);
  const registered = await asSetup(() =>
    idp.services.clients.create(fixture.tenant._id, {
      redirect_uris: [rp.redirectUri],
      post_logout_redirect_uris: [rp.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }),
  );
  const oidc = await client.discovery(new URL(`${idp.publicUrl}/t/${slug}`), registered.clientId, registered.clientSecret, client.ClientSecretBasic(registered.clientSecret!), {
    execute: [client.allowInsecureRequests],
  });
  return {
    idp,
    chromium: browser,
    rp,
    fixture,
    oidc,
    clientId: registered.clientId,
    async close() {
      await browser.close();
      await rp.close();
      await idp.close();
    },
  };
}

/** Problems a person would not see but that break pages: CSP refusals and script errors (a missing favicon is not one). */
export const isCspOrScriptProblem = (text: string) => /Content Security Policy|CSP violation|Refused to|Uncaught|TypeError|ReferenceError/.test(text);

/**
 * A page that records what a person would never see: console errors and Content-Security-Policy violations
 * (reported as `securitypolicyviolation` events, forwarded to the console).
 */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const problems: string[] = [];
  await context.addInitScript({
    content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return { page, problems };
}

/** Where the screenshot of a page in a language is kept as a test artifact. */
export function screenshotPath(name: string, locale: string): string {
  return join(projectRoot(), 'test-artifacts', 'screenshots', `${name}-${locale}.png`);
}

/** Keeps a full-page screenshot as a test artifact: test-artifacts/screenshots/<name>-<locale>.png. */
export async function screenshot(page: Page, name: string, locale: string): Promise<string> {
  const path = screenshotPath(name, locale);
  mkdirSync(dirname(path), { recursive: true });
  try {
    await page.screenshot({ path, fullPage: true });
  } catch (err) {
    // Chromium now and then refuses a capture while its compositor is between frames; the page is not at
    // fault, and a second capture a moment later succeeds. Any other failure, or a second refusal, stands.
    if (!String(err).includes('Unable to capture screenshot')) throw err;
    await page.waitForTimeout(250);
    await page.screenshot({ path, fullPage: true });
  }
  return path;
}

/** A virtual platform authenticator (Chrome DevTools protocol) for the page: passkeys with user verification. */
export async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}
