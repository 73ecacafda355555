import { ADMIN_API_PREFIX } from '../src/admin-api/admin-api.js';
import { loadTest, warmUp, type LoadOptions } from './http-load.js';
import { inTurns, type Flow } from './in-turns.js';
import type { Measured, Meter } from './measure.js';
import { clientCredentials, refresh, signIn, type OidcTarget, type Tokens } from './oidc-flows.js';
import { basicAuth, type HttpClient } from './user-agent.js';
import { runVirtualUsers } from './virtual-users.js';

export interface Load {
  connections: number;
  durationS: number;
  warmupS: number;
  signInUsers: number;
  signInS: number;
  refreshUsers: number;
  /** Measured time of the refreshes compared with the baselines, over all their turns. */
  refreshS: number;
  /** Rounds of turns in which the flows compared with the baselines are measured (bench/in-turns.ts). */
  rounds: number;
}

export interface ScenarioDeps {
  http: HttpClient;
  meter: Meter;
  load: Load;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Single requests with autocannon: warm-up, then the measured run with its attribution. */
async function requests(deps: ScenarioDeps, probe: string | undefined, options: Omit<LoadOptions, 'connections' | 'durationS'>): Promise<Measured> {
  const full = { ...options, connections: deps.load.connections, durationS: deps.load.durationS };
  await warmUp(full, deps.load.warmupS);
  return deps.meter.around(probe, () => loadTest(full));
}

export function discovery(deps: ScenarioDeps, target: OidcTarget): Promise<Measured> {
  return requests(deps, target.probe, { name: `discovery (${target.label})`, url: `${target.issuer}/.well-known/openid-configuration` });
}

export function jwks(deps: ScenarioDeps, target: OidcTarget): Promise<Measured> {
  return requests(deps, target.probe, { name: `JWKS (${target.label})`, url: target.endpoints.jwks });
}

export async function clientCredentialsLoad(deps: ScenarioDeps, target: OidcTarget): Promise<Measured> {
  await clientCredentials(deps.http, target); // fails loudly here rather than as a run of errors
  return requests(deps, target.probe, {
    name: `client credentials (${target.label})`,
    url: target.endpoints.token,
    method: 'POST',
    headers: { ...FORM, ...basicAuth(target.clientId, target.clientSecret) },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: target.resource, scope: 'locks:open' }).toString(),
  });
}

/** Whole sign-ins by `signInUsers` people at once, each with a fresh browser every time. */
export function signInFlow(deps: ScenarioDeps, target: OidcTarget): Flow {
  return {
    name: `whole sign-in (${target.label})`,
    unit: 'sign-in',
    probe: target.probe,
    run: (durationMs) =>
      runVirtualUsers({ concurrency: deps.load.signInUsers, durationMs, maxIterations: 100_000 }, (i) => i, async (i) => {
        await signIn(deps.http, target, target.users[i % target.users.length]!);
        return i;
      }),
  };
}

/** Whole sign-ins against one server alone, measured in one turn after a warm-up (the `--scale` runs). */
export async function signIns(deps: ScenarioDeps, target: OidcTarget): Promise<Measured> {
  const { signInS, warmupS } = deps.load;
  return (await inTurns(deps.meter, [signInFlow(deps, target)], { rounds: 1, durationS: signInS, warmupS }))[0]!;
}

/** Sign-ins made outside any measurement, for the scenarios that need a user's tokens. */
export async function tokensFor(deps: ScenarioDeps, target: OidcTarget, count: number): Promise<Tokens[]> {
  const out: Tokens[] = [];
  for (let i = 0; i < count; i++) out.push(await signIn(deps.http, target, target.users[i % target.users.length]!));
  return out;
}

/** Refresh tokens rotate, so each of `refreshUsers` apps carries its newest refresh token forward. */
export async function refreshFlow(deps: ScenarioDeps, target: OidcTarget): Promise<Flow> {
  const { refreshUsers } = deps.load;
  const current = (await tokensFor(deps, target, refreshUsers)).map((t) => t.refresh_token!);
  return {
    name: `refresh (${target.label})`,
    unit: 'req',
    probe: target.probe,
    run: (durationMs) =>
      runVirtualUsers({ concurrency: refreshUsers, durationMs, maxIterations: 1_000_000 }, (i) => i, async (i) => {
        current[i] = (await refresh(deps.http, target, current[i]!)).refresh_token!;
        return i;
      }),
  };
}

/** Refreshes against one server alone, measured in one turn after a warm-up (the `--scale` runs). */
export async function refreshes(deps: ScenarioDeps, target: OidcTarget): Promise<Measured> {
  const { durationS, warmupS } = deps.load;
  return (await inTurns(deps.meter, [await refreshFlow(deps, target)], { rounds: 1, durationS, warmupS }))[0]!;
}

export async function introspection(deps: ScenarioDeps, target: OidcTarget, tokens: Tokens[]): Promise<Measured> {
  const auth = { ...FORM, ...basicAuth(target.clientId, target.clientSecret) };
  const check = await deps.http.send(target.endpoints.introspection, { headers: basicAuth(target.clientId, target.clientSecret), form: { token: tokens[0]!.access_token } });
  if (!(JSON.parse(check.body) as { active?: boolean }).active) throw new Error(`introspection: the access token is not active (${check.body})`);
  let n = 0;
  return requests(deps, target.probe, {
    name: `introspection (${target.label})`,
    url: target.endpoints.introspection,
    method: 'POST',
    headers: auth,
    setupRequest: (req) => ({ ...req, body: new URLSearchParams({ token: tokens[n++ % tokens.length]!.access_token }).toString() }),
  });
}

export function userinfo(deps: ScenarioDeps, target: OidcTarget, tokens: Tokens[]): Promise<Measured> {
  let n = 0;
  return requests(deps, target.probe, {
    name: `userinfo (${target.label})`,
    url: target.endpoints.userinfo,
    setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[n++ % tokens.length]!.access_token}` } }),
  });
}

/** An admin API token as a service account obtains one: client credentials for the admin API audience. */
export async function adminToken(http: HttpClient, tokenEndpoint: string, account: { clientId: string; clientSecret: string }, audience: string): Promise<string> {
  const reply = await http.send(tokenEndpoint, {
    headers: basicAuth(account.clientId, account.clientSecret),
    form: { grant_type: 'client_credentials', resource: audience, scope: 'admin' },
  });
  if (reply.status !== 200) throw new Error(`admin token: ${reply.status} ${reply.body}`);
  return (JSON.parse(reply.body) as Tokens).access_token;
}

export function adminCreateUser(deps: ScenarioDeps, baseUrl: string, tenant: string, token: string): Promise<Measured> {
  let n = 0;
  const run = Date.now().toString(36);
  return requests(deps, 'ours', {
    name: 'admin API: create user',
    url: `${baseUrl}${ADMIN_API_PREFIX}/tenants/${tenant}/users`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `new-${run}-${n++}@bench.test`, name: 'New Person', roles: ['employee'] }) }),
  });
}

export function adminListUsers(deps: ScenarioDeps, baseUrl: string, tenant: string, token: string, name = 'admin API: list users (50)'): Promise<Measured> {
  return requests(deps, 'ours', {
    name,
    url: `${baseUrl}${ADMIN_API_PREFIX}/tenants/${tenant}/users?limit=50`,
    headers: { authorization: `Bearer ${token}` },
  });
}
