import * as client from 'openid-client';
import { adminAudience, ADMIN_API_PREFIX } from '../../src/admin-api/admin-api.js';
import { OPERATOR_ROLE, PLATFORM_TENANT } from '../../src/admin-api/principal.js';
import type { TenantDoc } from '../../src/tenants/tenant.model.js';
import { asSetup, createTenantFixture, type TenantFixture } from './fixtures.js';
import { authorize } from './sign-in.js';
import { CONSOLE_CLIENT_ID, consoleRedirectUri } from '../../src/clients/console-client.js';
import { contractChecker, type OpenApiDocument } from './openapi-contract.js';
import { startTestIdp, type TestIdp, type TestIdpOptions } from './test-idp.js';

/**
 * Admin API callers as they exist in production: service accounts (client credentials) holding roles, their
 * tokens obtained from the token endpoint over HTTP for the admin API audience.
 */
export async function serviceToken(idp: TestIdp, tenant: TenantDoc, roles: string[]): Promise<string> {
  const { clientId, clientSecret } = await asSetup(() =>
    idp.services.clients.create(tenant._id, {
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      service_roles: roles,
    }),
  );
  const config = await client.discovery(new URL(`${idp.baseUrl}/t/${tenant.slug}`), clientId, clientSecret, client.ClientSecretBasic(clientSecret!), {
    execute: [client.allowInsecureRequests],
  });
  const tokens = await client.clientCredentialsGrant(config, { resource: adminAudience(idp.baseUrl), scope: 'admin' });
  return tokens.access_token;
}

/**
 * A person's access token for the admin API, obtained as the console obtains it: the tenant's built-in console
 * client (public, code + PKCE) with `resource` naming the admin API at both endpoints. No other app of the
 * tenant may ask for that audience.
 */
export async function personToken(idp: TestIdp, tenant: TenantDoc, email: string, password?: string): Promise<string> {
  const resource = adminAudience(idp.baseUrl);
  const config = await client.discovery(new URL(`${idp.baseUrl}/t/${tenant.slug}`), CONSOLE_CLIENT_ID, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const redirectUri = consoleRedirectUri(idp.baseUrl, tenant.slug);
  const { callbackUrl, codeVerifier, state } = await authorize(config, { email, password, resource, scope: 'openid admin', redirectUri });
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: codeVerifier, expectedState: state }, { resource });
  return tokens.access_token;
}

export async function platformTenant(idp: TestIdp): Promise<TenantDoc> {
  return (await idp.services.tenants.findBySlug(PLATFORM_TENANT)) ?? asSetup(() => idp.services.tenants.create({ slug: PLATFORM_TENANT, name: 'Platform' }));
}

export async function operatorToken(idp: TestIdp): Promise<string> {
  return serviceToken(idp, await platformTenant(idp), [OPERATOR_ROLE]);
}

/** The document a server serves, fetched once per server: every answer of its admin API is checked against it. */
const contracts = new WeakMap<TestIdp, Promise<ReturnType<typeof contractChecker>>>();

function contractOf(idp: TestIdp, document?: OpenApiDocument) {
  if (document) return Promise.resolve(contractChecker(document));
  let contract = contracts.get(idp);
  if (!contract) {
    contract = fetch(`${idp.baseUrl}${ADMIN_API_PREFIX}/openapi.json`).then(async (res) => contractChecker((await res.json()) as OpenApiDocument));
    contracts.set(idp, contract);
  }
  return contract;
}

/**
 * A thin client for the admin API: JSON in, the response out, problems and all. Every answer is held to the
 * OpenAPI document (its status, content type and body schema), so a spec that meets an answer the document
 * does not describe fails there, whatever it asserts itself. `document` replaces the served one.
 */
export function adminClient(idp: TestIdp, options: { document?: OpenApiDocument } = {}) {
  return async function call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const res = await fetch(`${idp.baseUrl}${ADMIN_API_PREFIX}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (exports): the text itself
    }
    const check = await contractOf(idp, options.document);
    const violations = check({ method, path, status: res.status, contentType: res.headers.get('content-type'), body: parsed });
    if (violations.length) throw new ContractViolation(violations);
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** An answer of the admin API that its OpenAPI document does not describe. */
export class ContractViolation extends Error {
  constructor(readonly violations: string[]) {
    super(`The admin API answered outside its OpenAPI document:\n${violations.map((v) => `  - ${v}`).join('\n')}`);
    this.name = 'ContractViolation';
  }
}

export type AdminCall = ReturnType<typeof adminClient>;
export type Caller = 'operator' | 'adminA' | 'adminB' | 'managerA' | 'auditorA' | 'anonymous';

export interface AdminWorld {
  idp: TestIdp;
  a: TenantFixture;
  b: TenantFixture;
  call: AdminCall;
  /** One caller per row of the authorization matrix; `anonymous` has no token. */
  tokens: Record<string, string | undefined>;
}

/** The cast of every admin API spec: two tenants and a caller for each row of the matrix. */
export async function setUpAdminWorld(options: TestIdpOptions = {}): Promise<AdminWorld> {
  const idp = await startTestIdp(options);
  const a = await createTenantFixture(idp.services, 'tenant-a');
  const b = await createTenantFixture(idp.services, 'tenant-b');
  const tokens: Record<Caller, string | undefined> = {
    operator: await operatorToken(idp),
    adminA: await serviceToken(idp, a.tenant, ['tenant_admin']),
    adminB: await serviceToken(idp, b.tenant, ['tenant_admin']),
    managerA: await serviceToken(idp, a.tenant, ['user_manager']),
    auditorA: await serviceToken(idp, a.tenant, ['auditor']),
    anonymous: undefined,
  };
  return { idp, a, b, call: adminClient(idp), tokens };
}
