// The baselines: oidc-provider (the version this project uses) configured like a tenant of ours (same client,
// key types, features, lifetimes and claims), with a minimal sign-in of its own that verifies an argon2id hash
// at the same parameters. Bare, it keeps everything in its in-memory adapter; with `adapter: 'mongodb'` (the
// fair baseline) it stores what oidc-provider stores with the project's own example MongoDB adapter
// (bench/mongodb-example-adapter.ts), on a database server of its own. Started as child processes by bench/run.ts.
//   BENCH_BASELINE='<BaselineSettings as JSON>' node dist/bench/baseline-server.js
import argon2 from 'argon2';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Provider, { type Account, type Configuration, type InteractionResults } from 'oidc-provider';
import { consentedGrant } from '../src/oidc/grant-consent.js';
import { SCOPE_CLAIMS } from '../src/oidc/provider.factory.js';
import { providerTtl } from '../src/oidc/token-lifetimes.js';
import type { Argon2Params } from '../src/users/password-hasher.js';
import { MongoExampleAdapter } from './mongodb-example-adapter.js';

export interface BaselineSettings {
  port: number;
  argon2: Argon2Params;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  resource: string;
  users: { email: string; password: string }[];
  /** Where oidc-provider keeps its entries: its in-memory adapter when absent. */
  mongodb?: { uri: string };
}

const DOORS = [
  { door_id: 'lab', door_name: 'Lab', valid_from: null, valid_until: null },
  { door_id: 'main-entrance', door_name: 'Main entrance', valid_from: null, valid_until: null },
];

async function signingKey(alg: 'ES256' | 'RS256'): Promise<JWK> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

/** The baseline on `settings.port`, until `close`; the bench runs it as a child process of its own (main below). */
export async function startBaselineServer(settings: BaselineSettings): Promise<{ issuer: string; close(): Promise<void> }> {
  const issuer = `http://127.0.0.1:${settings.port}`;
  const users = new Map<string, { id: string; email: string; hash: string }>();
  for (const [i, u] of settings.users.entries()) {
    users.set(u.email, { id: `usr_${i}`, email: u.email, hash: await argon2.hash(u.password, { type: argon2.argon2id, ...settings.argon2 }) });
  }
  const byId = new Map([...users.values()].map((u) => [u.id, u]));
  const findAccount = async (_ctx: unknown, sub: string): Promise<Account | undefined> => {
    const user = byId.get(sub);
    if (!user) return undefined;
    return {
      accountId: user.id,
      claims: async () => ({ sub: user.id, name: 'Bench User', email: user.email, email_verified: true, roles: ['employee'], door_permissions: DOORS }),
    };
  };
  if (settings.mongodb) await MongoExampleAdapter.connect(settings.mongodb.uri);
  const configuration: Configuration = {
    ...(settings.mongodb ? { adapter: MongoExampleAdapter } : {}),
    clients: [
      {
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        redirect_uris: [settings.redirectUri],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid offline_access profile email roles doors',
      },
    ],
    jwks: { keys: [await signingKey('ES256'), await signingKey('RS256')] as never },
    cookies: { keys: ['baseline-cookie-key-0123456789abcdef'] },
    findAccount,
    claims: SCOPE_CLAIMS,
    scopes: ['openid', 'offline_access', 'profile', 'email', 'roles', 'doors'],
    responseTypes: ['code'],
    conformIdTokenClaims: false,
    rotateRefreshToken: true,
    ttl: providerTtl({}),
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => false,
        getResourceServerInfo: () => ({ scope: 'locks:open', audience: settings.resource, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The same extra claims our tenants add, read here from memory instead of the database.
    async extraTokenClaims(ctx, token) {
      if (token.kind === 'ClientCredentials') return { tenant: 'baseline' };
      if (token.kind !== 'AccessToken' || !('accountId' in token) || !token.accountId) return undefined;
      const claims = await (await findAccount(ctx, token.accountId as string))?.claims('token', 'roles doors', {}, []);
      return { tenant: 'baseline', roles: claims?.roles ?? [], door_permissions: claims?.door_permissions ?? [] };
    },
  };
  const provider = new Provider(issuer, configuration);
  const oidc = provider.callback();

  const server = createServer((req, res) => {
    const match = /^\/interaction\/([\w-]+)(\/login|\/confirm)?$/.exec(new URL(req.url ?? '/', issuer).pathname);
    if (!match) return void oidc(req, res);
    interaction(req, res, match[1]!, match[2]).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    });
  });

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, step: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (!step) {
      const login = details.prompt.name === 'login';
      const fields = login ? '<input name="email" type="email"><input name="password" type="password">' : '';
      const html = `<!doctype html><form method="post" action="/interaction/${uid}/${login ? 'login' : 'confirm'}">${fields}<button>Continue</button></form>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    let redirectTo: string;
    if (step === '/login') {
      const user = users.get(form.get('email') ?? '');
      const ok = user ? await argon2.verify(user.hash, form.get('password') ?? '') : false;
      if (!user || !ok) return void res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid credentials');
      redirectTo = await provider.interactionResult(req, res, { login: { accountId: user.id, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
    } else {
      const consent = await stockConsent(provider, details);
      redirectTo = await provider.interactionResult(req, res, { consent }, { mergeWithLastSubmission: true });
    }
    res.writeHead(303, { location: redirectTo }).end();
  }

  await new Promise<void>((resolve) => server.listen(settings.port, '127.0.0.1', resolve));
  return {
    issuer,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (settings.mongodb) await MongoExampleAdapter.disconnect();
    },
  };
}

async function main(): Promise<void> {
  const baseline = await startBaselineServer(JSON.parse(process.env.BENCH_BASELINE ?? '') as BaselineSettings);
  process.stdout.write(`baseline listening on ${baseline.issuer}\n`);
  process.on('SIGTERM', () => void baseline.close().then(() => process.exit(0)));
}

/**
 * Consent as oidc-provider's example does it: the grant is stored on the consent page, and the authorization
 * resumes with its id (ours defers it to the resume, src/oidc/grant-consent.ts; a baseline stays stock).
 */
async function stockConsent(provider: Provider, details: Awaited<ReturnType<Provider['interactionDetails']>>): Promise<NonNullable<InteractionResults['consent']>> {
  const { grant, existing } = await consentedGrant(provider, details);
  const grantId = await grant.save();
  return existing ? {} : { grantId };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// Run as a program (the bench's child process), not when a spec imports it.
if (process.env.BENCH_BASELINE) {
  main().catch((err) => {
    process.stderr.write(`baseline failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
